/* The record-a-problem form's point picker: progressive enhancement of the latitude and
 * longitude fields. Without JavaScript (or Leaflet) the typed coordinates are the way;
 * with it, a click on the map fills both fields in and moving the marker updates them,
 * and typing in the fields moves the marker. The fields stay the accessible alternative.
 */
(function () {
  "use strict";

  var element = document.getElementById("problem-point-map");
  var latitude = document.getElementById("id_latitude");
  var longitude = document.getElementById("id_longitude");
  if (!window.L || !element || !latitude || !longitude) {
    return;
  }
  element.hidden = false;
  var help = document.getElementById("point-map-help");
  if (help) {
    help.hidden = false;
  }
  var data = element.dataset;
  var map = L.map(element, {
    center: data.center.split(",").map(Number),
    zoom: Number(data.zoom),
    keyboard: true,
    maxZoom: 19,
  });
  if (data.tileUrl) {
    L.tileLayer(data.tileUrl, { attribution: data.attribution, maxZoom: 19 }).addTo(map);
  }
  var marker = null;

  function parse(input) {
    var value = parseFloat(String(input.value).replace(",", "."));
    return isNaN(value) ? null : value;
  }

  function place(latlng, fill) {
    if (marker) {
      marker.setLatLng(latlng);
    } else {
      marker = L.marker(latlng, { draggable: true, keyboard: true, title: data.labelMarker });
      marker.on("dragend", function () {
        place(marker.getLatLng(), true);
      });
      marker.addTo(map);
    }
    if (fill) {
      latitude.value = latlng.lat.toFixed(6);
      longitude.value = latlng.lng.toFixed(6);
    }
  }

  function fromFields() {
    var lat = parse(latitude);
    var lng = parse(longitude);
    if (lat !== null && lng !== null) {
      place(L.latLng(lat, lng), false);
      map.setView([lat, lng], Math.max(map.getZoom(), 16));
    }
  }

  map.on("click", function (event) {
    place(event.latlng, true);
  });
  latitude.addEventListener("change", fromFields);
  longitude.addEventListener("change", fromFields);
  fromFields();
})();
