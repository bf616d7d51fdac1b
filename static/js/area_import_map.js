/* The area import's preview map (#area-import-map): the file's areas, from the json_script
 * element #area-import-features, each with a tooltip naming it and its parent. The table
 * below the map lists the same; without Leaflet the map stays hidden. */
(function () {
  "use strict";

  const element = document.getElementById("area-import-map");
  const source = document.getElementById("area-import-features");
  if (!element || !source || !window.PortalMap) {
    return;
  }
  const features = JSON.parse(source.textContent);
  element.hidden = false;
  const map = PortalMap.create(element);
  const layer = L.geoJSON(features, {
    style: { weight: 2, fillOpacity: 0.15 },
    onEachFeature(feature, shape) {
      const { name, parent } = feature.properties;
      const label = document.createElement("span");
      label.textContent = parent ? `${name} (${parent})` : name;
      shape.bindTooltip(label, { sticky: true });
    },
  }).addTo(map);
  if (features.features.length) {
    map.fitBounds(layer.getBounds(), { padding: [10, 10] });
  }
})();
