// Loads a Cytoscape.js JSON export the way a web page does and prints what
// cytoscape.js made of it: node and edge counts, labels, edge ends and kinds.
// Usage: node load_cytoscape.js FILE.cyjs  (run by tests/test_export.py)
"use strict";
const fs = require("fs");
const cytoscape = require("cytoscape");

const doc = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const cy = cytoscape({ headless: true, elements: doc.elements });
// the whole file as cytoscape() options works too (its "data" becomes cy.data())
const whole = cytoscape(Object.assign({}, doc, { headless: true }));
const out = {
  whole: [whole.nodes().length, whole.edges().length, whole.data("name")],
  version: cytoscape.version,
  nodes: cy.nodes().length,
  edges: cy.edges().length,
  labels: Object.fromEntries(cy.nodes().map((n) => [n.id(), n.data("label")])),
  ends: Object.fromEntries(cy.edges().map((e) => [e.id(), [e.source().id(), e.target().id(), e.data("kind")]])),
};
process.stdout.write(JSON.stringify(out));
