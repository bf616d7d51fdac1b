/* The one base map every map script starts from: window.PortalMap.create(element, options).
 *
 * The element's data- attributes come from the map_config template tag (MAP_* settings):
 * data-center ("lat,lng"), data-zoom, data-tile-url (empty: no tiles, markers and areas
 * still show), data-attribution and, for a map kept inside the partnership's area,
 * data-bounds ("south,west,north,east"). Every map is keyboard operable (Leaflet's
 * keyboard handler: arrows pan, +/- zoom) and Tab visits its markers in reading order. Load
 * after Leaflet; without Leaflet (blocked, failed) PortalMap is not defined and the map
 * scripts leave the page as it is.
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

  // Markers whose points are less than this many pixels apart vertically are one row, read
  // left to right.
  const ROW_PIXELS = 24;

  function readingOrder(icons) {
    const placed = icons.map((icon) => ({
      icon,
      at: L.DomUtil.getPosition(icon) || L.point(0, 0),
    }));
    placed.sort((a, b) => a.at.y - b.at.y || a.at.x - b.at.x);
    const rows = [];
    for (const item of placed) {
      const row = rows[rows.length - 1];
      if (row && item.at.y - row[0].at.y < ROW_PIXELS) {
        row.push(item);
      } else {
        rows.push([item]);
      }
    }
    return rows.flatMap((row) => row.sort((a, b) => a.at.x - b.at.x).map((item) => item.icon));
  }

  /* Tab visits markers and clusters in the order of the marker pane's elements, which is the
   * order Leaflet added them (the data's order, bottom to top for the server's grid). After
   * each change the pane's elements are put in reading order: top to bottom, then left to
   * right. Only when the order is wrong, and keeping the focus where it was. */
  function keepReadingOrder(map) {
    const pane = map.getPane("markerPane");
    let scheduled = false;

    function arrange() {
      scheduled = false;
      const icons = Array.from(pane.children);
      const ordered = readingOrder(icons);
      if (ordered.every((icon, index) => icon === icons[index])) {
        return;
      }
      const focused = pane.contains(document.activeElement) ? document.activeElement : null;
      for (const icon of ordered) {
        pane.appendChild(icon);
      }
      if (focused && document.activeElement !== focused) {
        focused.focus({ preventScroll: true });
      }
    }

    map.on("layeradd zoomend moveend", () => {
      if (!scheduled) {
        scheduled = true;
        window.requestAnimationFrame(arrange);
      }
    });
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
    keepReadingOrder(map);
    if (data.tileUrl) {
      L.tileLayer(data.tileUrl, { attribution: data.attribution, maxZoom: MAX_ZOOM }).addTo(map);
    }
    return map;
  }

  /* Leaflet finds its marker images from its stylesheet's address; with hashed static
   * names (collectstatic) that guess fails. The images sit next to leaflet.css, under their
   * own names too (whitenoise serves both). */
  const leafletCss = document.querySelector('link[rel="stylesheet"][href*="leaflet/leaflet"]');
  if (leafletCss) {
    const images = new URL("images/", leafletCss.href).href;
    L.Icon.Default.mergeOptions({
      imagePath: "",
      iconUrl: images + "marker-icon.png",
      iconRetinaUrl: images + "marker-icon-2x.png",
      shadowUrl: images + "marker-shadow.png",
    });
  }

  window.PortalMap = { create };
})();
