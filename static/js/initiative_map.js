/* The initiative map: progressive enhancement of the list page and the detail page.
 *
 * List page (#initiative-map): fetches the map data with the page's own query string, so
 * the filters that narrow the list narrow the map. While few initiatives match, the server
 * sends them all ("complete") and they are clustered here; with many, it sends clusters
 * counted on a grid and the map asks again for what is in view after each move.
 * Markers and clusters are keyboard reachable (Tab, Enter); the list stays the full
 * alternative. Without tiles (no MAP_TILE_URL, or offline) markers and areas still show.
 *
 * Detail page (#initiative-place-map): the initiative's point and its areas, from the
 * json_script element #initiative-place.
 *
 * Both start from the shared base map (base_map.js): tiles, centre, zoom, keyboard.
 */
(function () {
  "use strict";

  if (!window.PortalMap) {
    return;
  }

  const AREA_STYLE = { color: "#0b5a8c", weight: 2, fillOpacity: 0.06, interactive: false };

  function showAreas(map, geojson) {
    return L.geoJSON(geojson, {
      style: AREA_STYLE,
      filter: (feature) => feature.geometry && feature.geometry.type !== "Point",
    }).addTo(map);
  }

  function popupContent(properties, labels) {
    const box = document.createElement("div");
    const link = document.createElement("a");
    link.href = properties.url;
    link.textContent = properties.title;
    const title = document.createElement("p");
    title.className = "map-popup__title";
    title.appendChild(link);
    box.appendChild(title);
    const facts = document.createElement("p");
    facts.textContent = properties.organization + " · " + properties.status;
    box.appendChild(facts);
    if (properties.approximate) {
      const note = document.createElement("p");
      note.className = "meta";
      note.textContent = labels.approximate;
      box.appendChild(note);
    }
    return box;
  }

  function clusterIcon(count) {
    const size = count < 10 ? "small" : count < 100 ? "medium" : "large";
    return L.divIcon({
      html: "<span>" + count + "</span>",
      className: "map-cluster map-cluster--" + size,
      iconSize: L.point(40, 40),
    });
  }

  function labelCluster(marker, count, labels) {
    const icon = marker.getElement && marker.getElement();
    if (icon) {
      icon.setAttribute("aria-label", count + " " + labels.count);
    }
  }

  function listMap(element) {
    const data = element.dataset;
    const labels = {
      count: data.labelCount,
      status: data.labelStatus,
      more: data.labelMore,
      approximate: data.labelApproximate,
      error: data.labelError,
    };
    const status = document.getElementById("map-status");
    document.getElementById("map-section").hidden = false;
    const map = PortalMap.create(element);
    const markers = L.markerClusterGroup({
      showCoverageOnHover: false,
      iconCreateFunction: (cluster) => clusterIcon(cluster.getChildCount()),
    });
    markers.on("animationend spiderfied", labelClusters);
    map.addLayer(markers);
    const serverClusters = L.layerGroup().addTo(map);

    function labelClusters() {
      map.eachLayer((layer) => {
        if (layer.getChildCount) {
          labelCluster(layer, layer.getChildCount(), labels);
        }
      });
    }

    fetch(data.areasUrl)
      .then((response) => (response.ok ? response.json() : null))
      .then((geojson) => {
        if (geojson) {
          showAreas(map, geojson).bringToBack();
        }
      })
      .catch(() => {});

    // The page's filters, without its page number.
    const query = new URLSearchParams(window.location.search);
    query.delete("page");
    let complete = false;
    let pending = null;

    function load(withBounds) {
      const params = new URLSearchParams(query);
      if (withBounds) {
        const b = map.getBounds();
        params.set(
          "bbox",
          [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]
            .map((v) => Math.max(-180, Math.min(180, v)).toFixed(5))
            .join(",")
        );
      }
      if (pending) {
        pending.abort();
      }
      pending = new AbortController();
      return fetch(data.dataUrl + "?" + params.toString(), {
        signal: pending.signal,
        headers: { Accept: "application/geo+json" },
      })
        .then((response) => {
          if (!response.ok) {
            throw new Error(response.status);
          }
          return response.json();
        })
        .then((collection) => show(collection, !withBounds))
        .catch((error) => {
          if (error.name !== "AbortError") {
            status.textContent = labels.error;
          }
        });
    }

    function show(collection, first) {
      markers.clearLayers();
      serverClusters.clearLayers();
      complete = Boolean(collection.complete);
      const points = [];
      for (const feature of collection.features) {
        const c = feature.geometry.coordinates;
        const latlng = L.latLng(c[1], c[0]);
        points.push(latlng);
        const p = feature.properties;
        if (p.cluster) {
          const marker = L.marker(latlng, {
            icon: clusterIcon(p.count),
            keyboard: true,
            title: p.count + " " + labels.count,
          });
          marker.on("click", () => map.setView(latlng, Math.min(map.getZoom() + 2, 18)));
          serverClusters.addLayer(marker);
          labelCluster(marker, p.count, labels);
        } else {
          markers.addLayer(
            L.marker(latlng, { alt: p.title, title: p.title, keyboard: true }).bindPopup(
              popupContent(p, labels)
            )
          );
        }
      }
      if (collection.clustered) {
        status.textContent = labels.more;
      } else {
        status.textContent = labels.status.replace("{count}", collection.features.length);
      }
      if (first && points.length) {
        map.fitBounds(L.latLngBounds(points), { maxZoom: 16, padding: [20, 20] });
      }
      labelClusters();
    }

    map.on("moveend", () => {
      if (!complete) {
        load(true);
      }
    });
    load(false);
  }

  function placeMap(element) {
    const source = document.getElementById("initiative-place");
    if (!source) {
      return;
    }
    const place = JSON.parse(source.textContent);
    element.hidden = false;
    const map = PortalMap.create(element);
    const layers = [];
    if (place.areas.length) {
      layers.push(showAreas(map, { type: "FeatureCollection", features: place.areas }));
    }
    if (place.point) {
      const marker = L.marker(place.point, { alt: place.title, title: place.title, keyboard: false });
      layers.push(marker.addTo(map));
    }
    if (layers.length) {
      const bounds = L.featureGroup(layers).getBounds();
      if (bounds.isValid()) {
        map.fitBounds(bounds, { maxZoom: 16, padding: [10, 10] });
      }
    }
  }

  const list = document.getElementById("initiative-map");
  if (list && L.markerClusterGroup) {
    listMap(list);
  }
  const detail = document.getElementById("initiative-place-map");
  if (detail) {
    placeMap(detail);
  }
})();
