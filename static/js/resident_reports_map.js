/* The partners' map layer of residents' reports (#resident-report-map on the reports list):
 * fetches the reports matching the list's filters as GeoJSON (points already rounded to about
 * 50 m by the server) and shows each as a marker, unsafe and safe apart, with its reasons,
 * when, the date and the text a coordinator has not hidden in a popup. Markers are reachable
 * by Tab (Leaflet's keyboard markers); an opened popup takes the focus and Esc or closing it
 * gives it back to the marker. The list under the map holds the same reports.
 * Progressive enhancement: without JavaScript or Leaflet the map stays hidden.
 */
(function () {
  "use strict";

  const element = document.getElementById("resident-report-map");
  if (!window.PortalMap || !element) {
    return;
  }
  element.hidden = false;
  const map = PortalMap.create(element);

  function popupContent(properties) {
    const box = document.createElement("div");
    const rows = [
      properties.kind_label,
      properties.reasons,
      properties.when,
      properties.sent_on,
      properties.text,
    ];
    for (const text of rows) {
      if (text) {
        const line = document.createElement("p");
        line.textContent = text;
        box.appendChild(line);
      }
    }
    box.tabIndex = -1;
    return box;
  }

  fetch(element.dataset.dataUrl, { credentials: "same-origin" })
    .then((response) => (response.ok ? response.json() : { features: [] }))
    .then((data) => {
      const markers = [];
      for (const feature of data.features) {
        const [lng, lat] = feature.geometry.coordinates;
        const properties = feature.properties;
        const marker = L.marker([lat, lng], {
          title: `${properties.kind_label}: ${properties.reasons}`,
          alt: `${properties.kind_label}: ${properties.reasons}`,
          keyboard: true,
        });
        const content = popupContent(properties);
        marker.bindPopup(content);
        marker.on("popupopen", () => content.focus());
        marker.on("popupclose", () => {
          const icon = marker.getElement();
          if (icon && element.contains(document.activeElement)) {
            icon.focus();
          }
        });
        marker.addTo(map);
        markers.push(marker);
      }
      if (markers.length) {
        map.fitBounds(L.featureGroup(markers).getBounds(), { maxZoom: 17, padding: [20, 20] });
      }
    })
    .catch(() => {
      element.hidden = true;
    });

  element.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      map.closePopup();
    }
  });
})();
