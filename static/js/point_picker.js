/* The register/edit form's point picker: a small map under the latitude and longitude fields.
 * Clicking the map (or dragging the marker) fills in the two fields; typing in the fields
 * moves the marker. Progressive enhancement: without JavaScript, or without Leaflet, the
 * fields are typed by hand, and they remain the keyboard's way to set the point.
 */
(function () {
  "use strict";

  var element = document.getElementById("point-picker");
  var latitude = document.getElementById("id_latitude");
  var longitude = document.getElementById("id_longitude");
  if (!window.L || !element || !latitude || !longitude) {
    return;
  }

  var data = element.dataset;
  var bounds = data.bounds.split(",").map(Number); // south, west, north, east
  element.closest(".point-picker").hidden = false; // the help text goes with the map
  var map = L.map(element, {
    center: data.center.split(",").map(Number),
    zoom: Number(data.zoom),
    maxZoom: 19,
    keyboard: true,
    maxBounds: [
      [bounds[0], bounds[1]],
      [bounds[2], bounds[3]],
    ],
  });
  if (data.tileUrl) {
    L.tileLayer(data.tileUrl, { attribution: data.attribution, maxZoom: 19 }).addTo(map);
  }
  var marker = null;

  // The fields accept a decimal comma (59,2712); so does this.
  function typed(input) {
    var value = parseFloat(input.value.trim().replace(",", "."));
    return isNaN(value) ? null : value;
  }

  function place(lat, lng) {
    if (marker) {
      marker.setLatLng([lat, lng]);
      return;
    }
    marker = L.marker([lat, lng], { draggable: true, keyboard: false, title: data.labelMarker });
    marker.on("dragend", function () {
      fill(marker.getLatLng());
    });
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
    var lat = typed(latitude);
    var lng = typed(longitude);
    if (lat === null || lng === null) {
      return;
    }
    place(lat, lng);
    map.panTo([lat, lng]);
  }

  map.on("click", function (event) {
    place(event.latlng.lat, event.latlng.lng);
    fill(event.latlng);
  });
  latitude.addEventListener("input", fromFields);
  longitude.addEventListener("input", fromFields);
  fromFields();
})();
