/* The one base map every map script starts from: window.PortalMap.create(element, options).
 *
 * The element's data- attributes come from the map_config template tag (MAP_* settings):
 * data-center ("lat,lng"), data-zoom, data-tile-url (empty: no tiles, markers and areas
 * still show), data-attribution and, for a map kept inside the partnership's area,
 * data-bounds ("south,west,north,east"). Every map is keyboard operable (Leaflet's
 * keyboard handler: arrows pan, +/- zoom). Load after Leaflet; without Leaflet (blocked,
 * failed) PortalMap is not defined and the map scripts leave the page as it is.
 */
(function () {
  "use strict";

  if (!window.L) {
    return;
  }

  // On the map itself too: without a tile layer (offline) clustering still needs a maxZoom.
  const MAX_ZOOM = 19;

  function numbers(text) {
    return text.split(",").map(Number);
  }

  /* A Leaflet map in element at the configured centre and zoom, with the configured tiles.
   * options.keepInBounds: the map cannot be panned out of data-bounds (the point picker:
   * the place marked must be in the partnership's area). */
  function create(element, options = {}) {
    const data = element.dataset;
    const settings = {
      center: numbers(data.center),
      zoom: Number(data.zoom),
      maxZoom: MAX_ZOOM,
      keyboard: true,
    };
    if (options.keepInBounds) {
      const [south, west, north, east] = numbers(data.bounds);
      settings.maxBounds = [
        [south, west],
        [north, east],
      ];
    }
    const map = L.map(element, settings);
    if (data.tileUrl) {
      L.tileLayer(data.tileUrl, { attribution: data.attribution, maxZoom: MAX_ZOOM }).addTo(map);
    }
    return map;
  }

  window.PortalMap = { create };
})();
