// circuit.html's own script: draws the embedded circuit data (script#circuit-data, JSON) as SVG. Every string from the
// data is put into the page with textContent or setAttribute, never parsed as HTML.
(function () {
  'use strict';
  var started = performance.now();
  var data = JSON.parse(document.getElementById('circuit-data').textContent);
  var NS = 'http://www.w3.org/2000/svg';
  var COLORS = ['#555555', '#1f77b4', '#2ca02c', '#d62728']; // none (MLP / logits), q, k, v
  var INPUTS = ['', 'q', 'k', 'v'];
  var BOX_W = 50, BOX_H = 22, ROW_H = 64, PAD = 30;
  var E = data.edges, nodes = data.nodes, total = E.id.length, scores = E.score, hasScores = scores !== null;
  var svg = document.getElementById('graph'), panel = document.getElementById('panel'), tip = document.getElementById('tip');
  var modeSel = document.getElementById('mode'), valueInput = document.getElementById('value'), countEl = document.getElementById('count');
  var nodeById = {}, edgeById = {}, nodeEls = [], selected = null, i;

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs) { if (Object.prototype.hasOwnProperty.call(attrs, k)) { e.setAttribute(k, attrs[k]); } }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function svgEl(tag, attrs) {
    var e = document.createElementNS(NS, tag);
    for (var k in attrs) { if (Object.prototype.hasOwnProperty.call(attrs, k)) { e.setAttribute(k, attrs[k]); } }
    return e;
  }
  function score(i) { return hasScores && scores[i] !== null ? scores[i] : 0; }
  function fmt(v) {
    if (v === null || v === undefined) { return '\u2013'; }
    if (typeof v !== 'number') { return String(v); }
    if (v === 0) { return '0'; }
    var a = Math.abs(v);
    return a >= 1e4 || a < 1e-3 ? v.toExponential(3) : String(Math.round(v * 10000) / 10000);
  }

  // ---- layout ----
  var columns = Math.max(1, data.columns);
  var room = document.getElementById('graph-wrap').clientWidth - 4; // fill the space the page gives the graph
  var width = Math.max(760, room > 0 ? room : 0, columns * (BOX_W + 14) + 2 * PAD), height = data.rows * ROW_H + 2 * PAD;
  svg.setAttribute('width', width); svg.setAttribute('height', height); svg.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
  function px(n) { return PAD + n.x * (width - 2 * PAD); }
  function py(n) { return height - PAD - BOX_H / 2 - n.row * ROW_H; }

  // ---- order and circuit ----
  var order = [], circuit = [];
  for (i = 0; i < total; i++) { order.push(i); edgeById[E.id[i]] = i; if (E['in'][i]) { circuit.push(i); } }
  function byMagnitude(a, b) { return Math.abs(score(b)) - Math.abs(score(a)) || a - b; }
  order.sort(byMagnitude); circuit.sort(byMagnitude);

  var edgeLayer = svgEl('g', { id: 'edges' }), nodeLayer = svgEl('g', { id: 'nodes' });
  svg.appendChild(edgeLayer); svg.appendChild(nodeLayer);
  nodes.forEach(function (n, k) {
    nodeById[n.id] = k;
    var g = svgEl('g', { 'class': 'node ' + n.kind + (n['in'] ? ' in' : ''), 'data-node': String(k), transform: 'translate(' + px(n) + ',' + py(n) + ')' });
    g.appendChild(svgEl('rect', { x: -BOX_W / 2, y: -BOX_H / 2, width: BOX_W, height: BOX_H, rx: 4 }));
    var t = svgEl('text', {}); t.textContent = n.label; g.appendChild(t);
    nodeLayer.appendChild(g); nodeEls.push(g);
  });

  function pathOf(i) {
    var s = nodes[E.src[i]], d = nodes[E.dst[i]];
    var x1 = px(s), y1 = py(s) - BOX_H / 2, x2 = px(d) + (E.input[i] ? (E.input[i] - 2) * 14 : 0), y2 = py(d) + BOX_H / 2;
    var bend = Math.max(20, (y1 - y2) * 0.45);
    // a positional graph has one edge per position group between the same nodes: fan them out so each is seen
    var fan = E.pos && E.pos[i] >= 0 && data.positions.length > 1 ? (E.pos[i] / (data.positions.length - 1) - 0.5) * Math.min(60, 8 * data.positions.length) : 0;
    return 'M' + x1.toFixed(1) + ' ' + y1.toFixed(1) + 'C' + (x1 + fan).toFixed(1) + ' ' + (y1 - bend).toFixed(1) + ' ' + (x2 + fan).toFixed(1) + ' ' + (y2 + bend).toFixed(1) + ' ' + x2.toFixed(1) + ' ' + y2.toFixed(1);
  }

  // ---- the control ----
  function shownEdges() {
    var mode = modeSel.value, v = parseFloat(valueInput.value), out = [];
    if (mode === 'top') {
      var n = isFinite(v) ? Math.max(0, Math.min(total, Math.floor(v))) : 0;
      return order.slice(0, n);
    }
    if (mode === 'above') {
      var t = isFinite(v) ? v : Infinity;
      for (var k = 0; k < order.length && Math.abs(score(order[k])) >= t; k++) { out.push(order[k]); }
      return out;
    }
    return circuit;
  }

  function draw() {
    var t0 = performance.now(), shown = shownEdges(), largest = 0, inShown = 0, used = {}, k;
    for (k = 0; k < shown.length; k++) { largest = Math.max(largest, Math.abs(score(shown[k]))); }
    edgeLayer.textContent = '';
    var frag = document.createDocumentFragment();
    for (k = shown.length - 1; k >= 0; k--) { // weakest first, so the strongest lie on top
      var e = shown[k], s = score(e), inCircuit = E['in'][e] === 1;
      if (inCircuit) { inShown++; }
      used[E.src[e]] = true; used[E.dst[e]] = true;
      var attrs = {
        'class': 'edge' + (inCircuit ? ' in' : ' out'), 'data-edge': String(e), d: pathOf(e), stroke: COLORS[E.input[e]],
        'stroke-width': (largest > 0 ? 0.6 + 4 * Math.abs(s) / largest : 1.2).toFixed(2)
      };
      if (s < 0) { attrs['stroke-dasharray'] = '5 3'; }
      frag.appendChild(svgEl('path', attrs));
    }
    edgeLayer.appendChild(frag);
    for (k = 0; k < nodeEls.length; k++) {
      var idle = !used[k] && nodes[k].kind !== 'input' && nodes[k].kind !== 'logits';
      nodeEls[k].classList.toggle('idle', idle);
      nodeEls[k].style.display = idle && nodes[k].kind === 'neuron' ? 'none' : '';
    }
    countEl.textContent = 'showing ' + shown.length + ' of ' + total + ' edges (' + inShown + ' of ' + circuit.length + ' circuit edges)'
      + (data.graph_edges > total ? '; the graph has ' + data.graph_edges + ' edges, the circuit\u2019s and the strongest others are embedded' : '');
    countEl.setAttribute('data-shown', String(shown.length));
    countEl.setAttribute('data-circuit-shown', String(inShown));
    void svg.getBoundingClientRect(); // include style and layout in the measured time
    document.body.setAttribute('data-draw-ms', (performance.now() - t0).toFixed(1));
  }

  function onControl() {
    valueInput.disabled = modeSel.value === 'circuit';
    if (modeSel.value === 'top' && valueInput.value === '') { valueInput.value = String(Math.min(total, Math.max(circuit.length * 2, 20))); }
    if (modeSel.value === 'above' && valueInput.value === '') { valueInput.value = String(circuit.length ? Math.abs(score(circuit[circuit.length - 1])) : 0); }
    draw();
  }
  modeSel.addEventListener('change', function () { valueInput.value = ''; onControl(); });
  valueInput.addEventListener('change', draw);
  valueInput.addEventListener('input', draw);
  if (!hasScores) {
    for (i = 0; i < modeSel.options.length; i++) { modeSel.options[i].disabled = modeSel.options[i].value !== 'circuit'; }
    document.getElementById('no-scores').hidden = false;
  }

  // ---- details: tooltip and panel ----
  function edgeText(e) {
    return nodes[E.src[e]].label + ' \u2192 ' + nodes[E.dst[e]].label + (E.input[e] ? ' (' + INPUTS[E.input[e]] + ')' : '');
  }
  function kvTable(rows) {
    var t = el('table', { 'class': 'kv' });
    rows.forEach(function (r) { var tr = el('tr'); tr.appendChild(el('th', {}, r[0])); tr.appendChild(el('td', {}, r[1])); t.appendChild(tr); });
    return t;
  }
  function select(elm) {
    if (selected) { selected.classList.remove('sel'); }
    selected = elm; if (elm) { elm.classList.add('sel'); }
  }
  function showEdge(e) {
    panel.textContent = '';
    panel.appendChild(el('h2', {}, edgeText(e)));
    panel.appendChild(kvTable([
      ['id', E.id[e]], ['score', hasScores ? fmt(scores[e]) : 'not in the file'], ['sign', score(e) < 0 ? 'negative (dashed)' : 'positive (solid)'],
      ['input', E.input[e] ? INPUTS[E.input[e]] : 'none (into an MLP or the logits)'], ['in the circuit', E['in'][e] ? 'yes' : 'no'],
      ['rank by |score|', hasScores ? String(order.indexOf(e) + 1) + ' of ' + total : '\u2013']
    ]));
    select(edgeLayer.querySelector('path[data-edge="' + e + '"]'));
  }
  function attentionTable(tokens, rows) {
    var keep = Math.min(tokens.length, 24), from = tokens.length - keep, t = el('table', { 'class': 'att' }), tr = el('tr');
    tr.appendChild(el('td'));
    for (var k = from; k < tokens.length; k++) { tr.appendChild(el('th', { 'class': 'k' }, tokens[k])); }
    t.appendChild(tr);
    for (var q = from; q < tokens.length; q++) {
      tr = el('tr'); tr.appendChild(el('th', {}, tokens[q]));
      for (var c = from; c < tokens.length; c++) {
        var w = rows[q][c], td = el('td', { title: tokens[q] + ' \u2192 ' + tokens[c] + ': ' + w.toFixed(3) });
        td.style.background = 'rgba(31,119,180,' + Math.max(0, Math.min(1, w)).toFixed(3) + ')';
        if (w >= 0.05) { td.textContent = w >= 0.995 ? '1' : w.toFixed(2).slice(1); }
        if (w > 0.6) { td.style.color = '#fff'; }
        tr.appendChild(td);
      }
      t.appendChild(tr);
    }
    return { table: t, cut: from };
  }
  function showNode(k) {
    var n = nodes[k], incoming = 0, outgoing = 0, v = data.views;
    for (var c = 0; c < circuit.length; c++) { if (E.dst[circuit[c]] === k) { incoming++; } if (E.src[circuit[c]] === k) { outgoing++; } }
    panel.textContent = '';
    panel.appendChild(el('h2', {}, n.label));
    var rows = [['id', n.id], ['kind', n.kind], ['in the circuit', n['in'] ? 'yes' : 'no'], ['circuit edges in / out', incoming + ' / ' + outgoing]];
    if (v && v.attribution && Object.prototype.hasOwnProperty.call(v.attribution, n.id)) { rows.push(['direct logit attribution', fmt(v.attribution[n.id])]); }
    panel.appendChild(kvTable(rows));
    if (v && v.target && (n.kind === 'head' || n.kind === 'mlp')) { panel.appendChild(el('p', { 'class': 'note' }, 'Attribution to ' + v.target + ', averaged over the task\u2019s prompts.')); }
    if (v && v.note) { panel.appendChild(el('p', { 'class': 'note' }, v.note)); }
    if (!v && (n.kind === 'head' || n.kind === 'mlp')) { panel.appendChild(el('p', { 'class': 'note' }, 'No model was given, so no attention patterns or attribution (run `circuitfinder report` with --model and --task).')); }
    var maps = v && v.patterns ? v.patterns[n.id] : null;
    if (maps) {
      panel.appendChild(el('h3', {}, 'Attention pattern (rows: query, columns: key)'));
      maps.forEach(function (m, p) {
        var made = attentionTable(v.prompts[p], m);
        panel.appendChild(el('p', { 'class': 'note' }, 'prompt ' + p + (made.cut > 0 ? ' (its last ' + (v.prompts[p].length - made.cut) + ' tokens)' : '')));
        panel.appendChild(made.table);
      });
    } else if (v && n.kind === 'head') {
      panel.appendChild(el('p', { 'class': 'note' }, 'This head is not in the circuit, so its attention pattern was not computed.'));
    }
    select(nodeEls[k]);
  }
  svg.addEventListener('click', function (ev) {
    var t = ev.target, edge = t.getAttribute && t.getAttribute('data-edge');
    if (edge !== null && edge !== undefined) { showEdge(+edge); return; }
    var g = t.closest ? t.closest('g.node') : null;
    if (g) { showNode(+g.getAttribute('data-node')); }
  });
  svg.addEventListener('mousemove', function (ev) {
    var t = ev.target, edge = t.getAttribute && t.getAttribute('data-edge'), g = t.closest ? t.closest('g.node') : null, text = null;
    if (edge !== null && edge !== undefined) { text = edgeText(+edge) + '\nscore ' + (hasScores ? fmt(scores[+edge]) : '\u2013') + (E['in'][+edge] ? ', in the circuit' : ', not in the circuit'); }
    else if (g) { var n = nodes[+g.getAttribute('data-node')]; text = n.label + ' (' + n.id + ')' + (n['in'] ? ', in the circuit' : ''); }
    if (text === null) { tip.hidden = true; return; }
    tip.textContent = text; tip.hidden = false; tip.style.left = (ev.clientX + 12) + 'px'; tip.style.top = (ev.clientY + 12) + 'px';
  });
  svg.addEventListener('mouseleave', function () { tip.hidden = true; });

  // ---- the run and its verification ----
  function section(id) { return document.getElementById(id); }
  function flat(obj, prefix, rows) {
    Object.keys(obj).forEach(function (key) {
      var value = obj[key], name = prefix ? prefix + '.' + key : key;
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) { flat(value, name, rows); }
      else { rows.push([name, Array.isArray(value) ? value.map(function (x) { return typeof x === 'object' ? JSON.stringify(x) : fmt(x); }).join(', ') : fmt(value)]); }
    });
    return rows;
  }
  function interval(x) { return x ? fmt(x.value) + ' [' + fmt(x.low) + ', ' + fmt(x.high) + ']' : '\u2013'; }
  function curvePlot(points) {
    var w = 520, h = 240, l = 50, b = 36, pts = points.filter(function (p) { return p.faithfulness !== null && p.fraction !== null; });
    var logX = pts.every(function (p) { return p.fraction > 0; }), xs = pts.map(function (p) { return logX ? Math.log10(p.fraction) : p.fraction; });
    var ys = pts.map(function (p) { return p.faithfulness; }), x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs);
    var y0 = Math.min(0, Math.min.apply(null, ys)), y1 = Math.max(1, Math.max.apply(null, ys));
    function X(x) { return l + (x1 > x0 ? (x - x0) / (x1 - x0) : 0.5) * (w - l - 10); }
    function Y(y) { return h - b - (y - y0) / (y1 - y0) * (h - b - 10); }
    var plot = svgEl('svg', { width: w, height: h, id: 'curve', 'class': 'curve' });
    plot.appendChild(svgEl('line', { x1: l, x2: w - 10, y1: Y(1), y2: Y(1), stroke: '#bbb', 'stroke-dasharray': '3 3' }));
    plot.appendChild(svgEl('line', { x1: l, x2: w - 10, y1: Y(0), y2: Y(0), stroke: '#bbb' }));
    plot.appendChild(svgEl('polyline', { fill: 'none', stroke: '#1f77b4', 'stroke-width': 2, points: pts.map(function (p, k) { return X(xs[k]).toFixed(1) + ',' + Y(ys[k]).toFixed(1); }).join(' ') }));
    pts.forEach(function (p, k) {
      var c = svgEl('circle', { cx: X(xs[k]), cy: Y(ys[k]), r: 3, fill: '#1f77b4' }), t = svgEl('title', {});
      t.textContent = p.edges + ' edges (' + fmt(p.fraction) + '): faithfulness ' + fmt(p.faithfulness); c.appendChild(t); plot.appendChild(c);
    });
    [[y0, Y(y0)], [1, Y(1)]].concat(y1 > 1 ? [[y1, Y(y1)]] : []).forEach(function (a) { var t = svgEl('text', { x: l - 6, y: a[1] + 4, 'text-anchor': 'end', 'font-size': 11 }); t.textContent = fmt(a[0]); plot.appendChild(t); });
    [x0, x1].forEach(function (x) { var t = svgEl('text', { x: X(x), y: h - b + 16, 'text-anchor': 'middle', 'font-size': 11 }); t.textContent = fmt(logX ? Math.pow(10, x) : x); plot.appendChild(t); });
    var label = svgEl('text', { x: (l + w) / 2, y: h - 4, 'text-anchor': 'middle', 'font-size': 12 }); label.textContent = 'fraction of edges kept' + (logX ? ' (log scale)' : ''); plot.appendChild(label);
    var ylabel = svgEl('text', { x: 12, y: h / 2, 'font-size': 12, transform: 'rotate(-90 12 ' + h / 2 + ')', 'text-anchor': 'middle' }); ylabel.textContent = 'faithfulness'; plot.appendChild(ylabel);
    return plot;
  }
  function guarded(id, render) { // a malformed section in a file made elsewhere must not stop the graph
    try { render(); } catch (err) { section(id).appendChild(el('p', { 'class': 'note' }, 'This section could not be shown: ' + err.message)); }
  }
  guarded('run', function run() {
    var r = data.run, s = section('run');
    if (!r) { s.appendChild(el('p', { 'class': 'note' }, 'No run is recorded with this circuit (an id list, or a page made without one).')); return; }
    if (r.format === 'eap-ig') { s.appendChild(el('p', {}, 'An EAP-IG / MIB graph file; its cfg:')); s.appendChild(kvTable(flat(r.cfg, '', []))); return; }
    if (r.circuit) { s.appendChild(el('h3', {}, 'Circuit and faithfulness')); s.appendChild(kvTable(flat(r.circuit, '', []))); }
    if (r.baseline) { s.appendChild(el('h3', {}, 'Baselines (task metric)')); s.appendChild(kvTable(flat(r.baseline, '', []))); }
    if (r.method) { s.appendChild(el('h3', {}, 'Method and parameters')); s.appendChild(kvTable(flat(r.method, '', []))); }
    if (r.model || r.task) { s.appendChild(el('h3', {}, 'Model and task')); s.appendChild(kvTable(flat({ model: r.model || {}, task: r.task || {} }, '', []))); }
    if (r.warnings) { s.appendChild(el('h3', {}, 'Warnings')); r.warnings.forEach(function (w) { s.appendChild(el('p', {}, w)); }); }
  });
  guarded('verification', function verification() {
    var v = data.verification, s = section('verification');
    if (!v) { s.appendChild(el('p', { 'class': 'note' }, 'Not verified yet: `circuitfinder verify --circuit circuit.json --out DIR` writes verification.json and a report with the results (and the faithfulness curve when the file has scores).')); return; }
    if (v.faithfulness) { s.appendChild(el('h3', {}, 'Faithfulness')); s.appendChild(kvTable(flat(v.faithfulness, '', []))); }
    if (v.curve) {
      s.appendChild(el('h3', {}, 'Faithfulness curve (CPR ' + fmt(v.curve.cpr) + ', CMD ' + fmt(v.curve.cmd) + ')'));
      s.appendChild(curvePlot(v.curve.points || []));
    }
    if (v.completeness) {
      var worst = v.completeness.worst;
      s.appendChild(el('h3', {}, 'Completeness'));
      s.appendChild(kvTable([['worst subset', worst ? worst.nodes.join(', ') + ' (' + worst.origin + ')' : '\u2013'], ['gap', worst ? fmt(worst.gap) : '\u2013'], ['gap fraction', worst ? fmt(worst.gap_fraction) : '\u2013'],
        ['subsets', v.completeness.random_subsets + ' random, ' + v.completeness.greedy_steps + ' greedy steps']]));
    }
    if (v.minimality) {
      s.appendChild(el('h3', {}, 'Minimality'));
      s.appendChild(kvTable((v.minimality.nodes || []).map(function (m) { return [m.node, 'drop ' + fmt(m.drop) + ' (' + fmt(m.drop_fraction) + ')' + (m.helper && m.helper.length ? ', with ' + m.helper.join(', ') : '')]; })));
    }
    if (v.ground_truth) { s.appendChild(el('h3', {}, 'Against the ground truth')); s.appendChild(kvTable(flat(v.ground_truth, '', []))); }
    if (v.causal_scrubbing) {
      s.appendChild(el('h3', {}, 'Causal scrubbing (95% bootstrap intervals)'));
      s.appendChild(kvTable(v.causal_scrubbing.map(function (c) { return [c.hypothesis + ' (' + c.mode + ')', 'loss recovered ' + interval(c.loss_recovered) + '; scrubbed loss ' + interval(c.loss_scrubbed)]; })));
    }
  });

  // ---- start: the circuit, or what the address asks for (#mode=top&value=50, #node=ID, #edge=ID) ----
  var wanted = {};
  location.hash.replace(/^#/, '').split('&').forEach(function (part) {
    var at = part.indexOf('=');
    if (at > 0) { wanted[decodeURIComponent(part.slice(0, at))] = decodeURIComponent(part.slice(at + 1)); }
  });
  draw();
  document.body.setAttribute('data-open-ms', (performance.now() - started).toFixed(1));
  if (wanted.mode && hasScores && /^(circuit|top|above)$/.test(wanted.mode)) { // through the control's own events
    modeSel.value = wanted.mode; modeSel.dispatchEvent(new Event('change'));
    if (wanted.value !== undefined) { valueInput.value = wanted.value; valueInput.dispatchEvent(new Event('change')); }
  }
  if (wanted.node && Object.prototype.hasOwnProperty.call(nodeById, wanted.node)) { showNode(nodeById[wanted.node]); }
  if (wanted.edge && Object.prototype.hasOwnProperty.call(edgeById, wanted.edge)) { showEdge(edgeById[wanted.edge]); }
  document.body.setAttribute('data-ready', '1');
}());
