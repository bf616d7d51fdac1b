/* The register/edit form's point picker: a small map under the latitude and longitude fields.
 * Clicking the map (or dragging the marker) fills in the two fields; typing in the fields
 * moves the marker. Progressive enhancement: without JavaScript, or without Leaflet, the
 * fields are typed by hand, and they remain the keyboard's way to set the point.
 * The map is the shared base map (base_map.js), kept inside the partnership's area.
 */
(function () {
  "use strict";

  const element = document.getElementById("point-picker");
  const latitude = document.getElementById("id_latitude");
  const longitude = document.getElementById("id_longitude");
  if (!window.PortalMap || !element || !latitude || !longitude) {
    return;
  }

  const label = element.dataset.labelMarker;
  element.closest(".point-picker").hidden = false; // the help text goes with the map
  const map = PortalMap.create(element, { keepInBounds: true });
  // In a folded <details> the map has no size until it is opened.
  const details = element.closest("details");
  if (details) {
    details.addEventListener("toggle", () => details.open && map.invalidateSize());
  }
  let marker = null;

  // The fields accept a decimal comma (59,2712); so does this.
  function typed(input) {
    const value = parseFloat(input.value.trim().replace(",", "."));
    return isNaN(value) ? null : value;
  }

  function place(lat, lng) {
    if (marker) {
      marker.setLatLng([lat, lng]);
      return;
    }
    marker = L.marker([lat, lng], { draggable: true, keyboard: false, title: label });
    marker.on("dragend", () => fill(marker.getLatLng()));
    marker.addTo(map);
  }

  function fill(latlng) {
    latitude.value = latlng.lat.toFixed(6);
    longitude.value = latlng.lng.toFixed(6);
    // Let the form's other scripts (and the browser) know the values changed.
    latitude.dispatchEvent(new Event("change", { bubbles: true }));
    longitude.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function fromFields() {
    const lat = typed(latitude);
    const lng = typed(longitude);
    if (lat === null || lng === null) {
      return;
    }
    place(lat, lng);
    map.panTo([lat, lng]);
  }

  map.on("click", (event) => {
    place(event.latlng.lat, event.latlng.lng);
    fill(event.latlng);
  });
  latitude.addEventListener("input", fromFields);
  longitude.addEventListener("input", fromFields);
  fromFields();
})();
