/* The initiative map: progressive enhancement of the list page and the detail page.
 *
 * List page (#initiative-map): fetches the map data with the page's own query string, so
 * the filters that narrow the list narrow the map. While few initiatives match, the server
 * sends them all ("complete") and they are clustered here; with many, it sends clusters
 * counted on a grid and the map asks again for what is in view after each move.
 * Initiatives without a point of their own come as one feature per area: the area is drawn
 * as an outline with a label (a keyboard-reachable marker naming the area and how many
 * initiatives it holds), never as a pin pretending to be a place.
 * Markers, labels and clusters are keyboard reachable (Tab, Enter); an opened popup takes
 * the focus, and Esc (or closing it) gives the focus back to its marker. The list stays the
 * full alternative. Without tiles (no MAP_TILE_URL, or offline) markers and areas still show.
 *
 * Detail page (#initiative-place-map): the initiative's point and its areas, from the
 * json_script element #initiative-place.
 *
 * Both start from the shared base map (base_map.js): tiles, centre, zoom, keyboard.
 */
(function () {
  "use strict";

  if (!window.PortalMap) {
    // Leaflet did not load (blocked, failed): no empty map box; the list has everything.
    const section = document.getElementById("map-section");
    if (section) {
      section.hidden = true;
    }
    return;
  }

  const AREA_STYLE = { color: "#0b5a8c", weight: 2, fillOpacity: 0.06, interactive: false };

  function showAreas(map, geojson) {
    return L.geoJSON(geojson, {
      style: AREA_STYLE,
      filter: (feature) => feature.geometry && feature.geometry.type !== "Point",
    }).addTo(map);
  }

  function popupLink(item) {
    const link = document.createElement("a");
    link.href = item.url;
    link.textContent = item.title;
    return link;
  }

  function popupContent(properties) {
    const box = document.createElement("div");
    const title = document.createElement("p");
    title.className = "map-popup__title";
    title.appendChild(popupLink(properties));
    box.appendChild(title);
    const facts = document.createElement("p");
    facts.textContent = properties.organization + " · " + properties.status;
    box.appendChild(facts);
    return box;
  }

  function areaPopupContent(properties, labels) {
    const box = document.createElement("div");
    const title = document.createElement("p");
    title.className = "map-popup__title";
    title.textContent = labels.area.replace("{name}", properties.name);
    box.appendChild(title);
    const note = document.createElement("p");
    note.className = "meta";
    note.textContent = labels.approximate;
    box.appendChild(note);
    const list = document.createElement("ul");
    list.className = "map-popup__list";
    for (const item of properties.initiatives) {
      const entry = document.createElement("li");
      entry.appendChild(popupLink(item));
      entry.appendChild(document.createTextNode(" (" + item.organization + ")"));
      list.appendChild(entry);
    }
    box.appendChild(list);
    return box;
  }

  /* A popup opened from a marker takes the focus (its first link, else the popup itself);
   * when it closes — Esc, its close button, another click — the focus goes back to the
   * marker it came from, if it was inside the popup (or lost to the page). */
  function focusingPopup(marker, content) {
    marker.bindPopup(content, { closeOnEscapeKey: true, autoPanPadding: [20, 20] });
    marker.on("popupopen", (event) => {
      const element = event.popup.getElement();
      const target = element.querySelector(".leaflet-popup-content a") || element;
      if (target === element) {
        element.setAttribute("tabindex", "-1");
      }
      if (!element.dataset.escapeCloses) {
        element.dataset.escapeCloses = "true";
        element.addEventListener("keydown", (key) => {
          if (key.key === "Escape") {
            marker.closePopup();
          }
        });
      }
      target.focus({ preventScroll: true });
    });
    marker.on("popupclose", (event) => {
      const element = event.popup.getElement();
      const active = document.activeElement;
      if (!active || active === document.body || (element && element.contains(active))) {
        const icon = marker.getElement();
        if (icon) {
          icon.focus({ preventScroll: true });
        }
      }
    });
    return marker;
  }

  function areaLabel(feature, layer, labels) {
    const p = feature.properties;
    const text = p.name + " (" + p.count + ")";
    const at = layer.getLatLng ? layer.getLatLng() : layer.getBounds().getCenter();
    const icon = L.divIcon({
      html: "<span></span>",
      className: "map-area-label",
      iconSize: null,
    });
    const marker = L.marker(at, { icon: icon, keyboard: true, title: text, alt: text });
    marker.on("add", () => {
      const element = marker.getElement();
      element.firstChild.textContent = text;
      element.setAttribute("role", "button");
      element.setAttribute("aria-label", labels.area.replace("{name}", text));
    });
    return focusingPopup(marker, areaPopupContent(p, labels));
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
      area: data.labelArea,
      error: data.labelError,
    };
    const status = document.getElementById("map-status");
    document.getElementById("map-section").hidden = false;
    const map = PortalMap.create(element);
    const markers = L.markerClusterGroup({
      showCoverageOnHover: false,
      animate: false, // a phone's time goes to the page, not to zoom animations
      iconCreateFunction: (cluster) => clusterIcon(cluster.getChildCount()),
    });
    markers.on("animationend spiderfied", labelClusters);
    map.addLayer(markers);
    const serverClusters = L.layerGroup().addTo(map);
    const areas = L.layerGroup().addTo(map);

    function labelClusters() {
      map.eachLayer((layer) => {
        if (layer.getChildCount) {
          labelCluster(layer, layer.getChildCount(), labels);
        }
      });
    }

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
      areas.clearLayers();
      complete = Boolean(collection.complete);
      const points = [];
      for (const feature of collection.features) {
        const p = feature.properties;
        if (p.area) {
          const shape = L.geoJSON(feature, {
            style: AREA_STYLE,
            pointToLayer: (point, latlng) => L.circleMarker(latlng, AREA_STYLE),
          });
          shape.eachLayer((layer) => {
            areas.addLayer(layer);
            const label = areaLabel(feature, layer, labels);
            areas.addLayer(label);
            points.push(label.getLatLng());
          });
          continue;
        }
        const c = feature.geometry.coordinates;
        const latlng = L.latLng(c[1], c[0]);
        points.push(latlng);
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
            focusingPopup(
              L.marker(latlng, { alt: p.title, title: p.title, keyboard: true }),
              popupContent(p)
            )
          );
        }
      }
      if (collection.clustered) {
        status.textContent = labels.more;
      } else {
        const shown = collection.features.reduce(
          (sum, feature) => sum + (feature.properties.area ? feature.properties.count : 1),
          0
        );
        status.textContent = labels.status.replace("{count}", shown);
      }
      if (first && points.length) {
        map.fitBounds(L.latLngBounds(points), { maxZoom: 16, padding: [20, 20], animate: false });
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
