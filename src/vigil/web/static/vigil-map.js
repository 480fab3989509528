/* The console's map component (see web/templates/_map.html). Leaflet is loaded before this file. */
(function () {
  window.vigilMaps = window.vigilMaps || {};

  function styleOf(feature) {
    var p = feature.properties || {};
    return {color: p.color || '#1f5fa8', weight: 2, fillOpacity: 0.25};
  }

  function pointOf(feature, latlng) {
    var p = feature.properties || {};
    return L.circleMarker(latlng, {radius: p.radius || 6, color: p.color || '#1f5fa8', fillOpacity: 0.8, weight: 1});
  }

  function eachFeature(feature, layer) {
    var p = feature.properties || {};
    if (p.label) layer.bindTooltip(String(p.label));
    if (p.popup) layer.bindPopup(p.popup);
  }

  function draw(map, data) {
    if (map.vigilLayer) map.removeLayer(map.vigilLayer);
    map.vigilLayer = L.geoJSON(data, {style: styleOf, pointToLayer: pointOf, onEachFeature: eachFeature,
                                      renderer: L.canvas()}).addTo(map);
    var bounds = map.vigilLayer.getBounds();
    if (bounds.isValid() && !map.vigilFixedView) map.fitBounds(bounds, {padding: [20, 20], maxZoom: 17});
    map.getContainer().dataset.features = String((data.features || []).length);
    map.getContainer().dispatchEvent(new CustomEvent('vigil:map-drawn', {detail: data}));
  }

  function load(id) {
    var el = document.getElementById(id), map = window.vigilMaps[id];
    var inline = document.getElementById(id + '-data');
    if (inline) { draw(map, JSON.parse(inline.textContent)); return Promise.resolve(); }
    if (!el.dataset.geojsonUrl) return Promise.resolve();
    return fetch(el.dataset.geojsonUrl, {credentials: 'same-origin', headers: {Accept: 'application/geo+json'}})
      .then(function (r) { return r.json(); })
      .then(function (data) { draw(map, data); });
  }

  window.vigilMap = {
    init: function (id) {
      var el = document.getElementById(id);
      if (typeof L === 'undefined') { el.textContent = 'Map library not available.'; return; }
      var map = L.map(el, {preferCanvas: true});
      if (el.dataset.center) {
        var c = el.dataset.center.split(',').map(Number);
        map.setView(c, Number(el.dataset.zoom || 13));
        map.vigilFixedView = true;
      } else {
        map.setView([0, 0], 2);
      }
      if (el.dataset.tiles) {
        L.tileLayer(el.dataset.tiles, {maxZoom: 19, attribution: '&copy; OpenStreetMap contributors'}).addTo(map);
      }
      window.vigilMaps[id] = map;
      return load(id);
    },
    reload: load,
    draw: function (id, data) { draw(window.vigilMaps[id], data); }
  };
})();
