// The map page: filters, details, search. Data comes from CONFIG, ALL_NODES and ALL_EDGES set before this script.
"use strict";
const nodes = new vis.DataSet(ALL_NODES);
const edges = new vis.DataSet(ALL_EDGES);
const layers = {cobuild: true, alliance: true, seat: true};
// A district's alliances span it with hundreds of long edges: start with them off there (the box turns them on).
if (ALL_EDGES.filter((e) => e.kind === "alliance").length > 150) {
  layers.alliance = false;
  document.getElementById("layer-alliance").checked = false;
}
let gapsOnly = false;
const keep = new Set();  // under "gaps only": flagged nodes, the nodes above them, and their alliances
function computeKeep() {
  keep.clear();
  const up = new Map();
  for (const e of ALL_EDGES) if (e.kind === "chain") up.set(e.from, e.to);
  for (const n of ALL_NODES) {
    if (!n.gap && !n.gapsBelow) continue;
    let id = n.id;
    while (id !== undefined && !keep.has(id)) { keep.add(id); id = up.get(id); }
  }
  for (const e of ALL_EDGES) if (e.kind === "chain" && e.to && !up.has(e.to)) keep.add(e.to);
}
computeKeep();
const nodeView = new vis.DataView(nodes, {filter: (n) => {
  if (n.kindOf === "alliance" && !layers.alliance) return false;
  if (gapsOnly && !keep.has(n.id)) return false;
  return true;
}});
const edgeView = new vis.DataView(edges, {filter: (e) => e.kind === "chain" || layers[e.kind]});
const container = document.getElementById("map");
const network = new vis.Network(container, {nodes: nodeView, edges: edgeView}, {
  layout: {improvedLayout: false, hierarchical: false},
  physics: false,
  interaction: {hover: true, tooltipDelay: 150, hideEdgesOnDrag: ALL_NODES.length > 1500, hideEdgesOnZoom: ALL_NODES.length > 1500},
  nodes: {font: {face: "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif", size: 14, multi: false},
          widthConstraint: {maximum: 150}},
  edges: {selectionWidth: 2},
});
window.network = network;
window.mapReady = false;
network.once("afterDrawing", () => {
  window.drawnAt = performance.now();
  window.mapReady = true;
});
function refresh() { nodeView.refresh(); edgeView.refresh(); }
for (const kind of ["cobuild", "alliance", "seat"]) {
  document.getElementById("layer-" + kind).addEventListener("change", (event) => { layers[kind] = event.target.checked; refresh(); });
}
document.getElementById("gaps-only").addEventListener("change", (event) => { gapsOnly = event.target.checked; refresh(); network.fit(); });
document.getElementById("fit").addEventListener("click", () => network.fit());

const details = document.getElementById("details");
function line(text, cls) { const p = document.createElement("p"); p.textContent = text; if (cls) p.className = cls; return p; }
function link(text, href) { const a = document.createElement("a"); a.textContent = text; a.href = href; const p = document.createElement("p"); p.append(a); return p; }
function showDetails(id) {
  const n = nodes.get(id);
  if (!n) return;
  details.replaceChildren();
  const h = document.createElement("h2"); h.textContent = "详情"; details.append(h);
  const [first, ...rest] = n.title.split("\n");
  details.append(line(first, "name"));
  for (const text of rest) details.append(line(text, text.startsWith("·") || text.startsWith("缺口") ? "gap" : ""));
  if (n.link && CONFIG.mapLink) details.append(link("打开其地图 ›", CONFIG.mapLink.replace("{id}", encodeURIComponent(n.link))));
  if (["district", "street", "community", "residential_area", "grid"].includes(n.kindOf)) {
    if (CONFIG.dashboardLink) details.append(link("覆盖率看板 ›", CONFIG.dashboardLink.replace("{id}", encodeURIComponent(n.id))));
    if (CONFIG.gapsLink) details.append(link("缺口清单 ›", CONFIG.gapsLink.replace("{id}", encodeURIComponent(n.id))));
  }
}
network.on("click", (params) => { if (params.nodes.length) showDetails(params.nodes[0]); });
network.on("doubleClick", (params) => {
  const n = params.nodes.length ? nodes.get(params.nodes[0]) : null;
  if (n && n.link && CONFIG.mapLink) window.location.href = CONFIG.mapLink.replace("{id}", encodeURIComponent(n.link));
});

const search = document.getElementById("search");
const found = document.getElementById("found");
const names = document.createElement("datalist"); names.id = "names";
const seen = new Set();
for (const n of ALL_NODES) { const name = n.title.split("\n")[0]; if (!seen.has(name) && seen.size < 5000) { seen.add(name); const o = document.createElement("option"); o.value = n.label.split("\n")[0]; names.append(o); } }
document.body.append(names);
let hits = [], at = 0;
function focusNode(id) {
  if (!nodeView.get(id)) { gapsOnly = false; document.getElementById("gaps-only").checked = false; layers.alliance = true; document.getElementById("layer-alliance").checked = true; refresh(); }
  network.selectNodes([id]);
  network.focus(id, {scale: Math.max(network.getScale(), 1.2), animation: false});
  showDetails(id);
}
function runSearch() {
  const text = search.value.trim();
  if (!text) { found.textContent = ""; return; }
  const again = hits.length && search.dataset.last === text;
  if (!again) {
    hits = ALL_NODES.filter((n) => n.title.split("\n")[0].includes(text) || n.label.includes(text)).map((n) => n.id);
    at = 0; search.dataset.last = text;
  } else { at = (at + 1) % hits.length; }
  if (!hits.length) { found.textContent = "未找到"; return; }
  found.textContent = `${at + 1} / ${hits.length}`;
  focusNode(hits[at]);
}
search.addEventListener("keydown", (event) => { if (event.key === "Enter") runSearch(); });
search.addEventListener("change", () => { if (search.dataset.last !== search.value.trim()) runSearch(); });
window.findNode = (text) => { search.value = text; search.dataset.last = ""; hits = []; runSearch(); return network.getSelectedNodes(); };
