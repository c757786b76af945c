// The console's SPARQL editor: CodeMirror 6 with SPARQL highlighting, bracket
// matching, completion of the project's prefixes, classes, properties and
// concepts (sent by Python from data/vocabulary.ttl), and the parser's error
// marked at its line and column.  A Streamlit components.v2 module: the
// default export is called on every run with the current data; the editor
// is created once per mount and only updated afterwards.
import { EditorState, Compartment } from "@codemirror/state";
import { EditorView, keymap, lineNumbers, highlightActiveLine, drawSelection } from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { StreamLanguage, bracketMatching, syntaxHighlighting, defaultHighlightStyle, indentOnInput } from "@codemirror/language";
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from "@codemirror/autocomplete";
import { linter, lintGutter, setDiagnostics } from "@codemirror/lint";
import { sparql } from "@codemirror/legacy-modes/mode/sparql";

const KEYWORDS = ["SELECT", "DISTINCT", "WHERE", "OPTIONAL", "FILTER", "UNION", "MINUS", "BIND", "VALUES", "GRAPH",
  "ORDER BY", "GROUP BY", "HAVING", "LIMIT", "OFFSET", "ASK", "CONSTRUCT", "DESCRIBE", "PREFIX", "BASE", "NOT EXISTS",
  "EXISTS", "COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT", "STR", "LANG", "LANGMATCHES", "REGEX",
  "CONTAINS", "STRSTARTS", "LCASE", "UCASE", "BOUND", "IF", "COALESCE", "DESC", "ASC", "AS", "a"];

function completer(terms) {
  const options = [];
  const add = (list, type, boost) => (list || []).forEach((t) => options.push({ label: t.label, detail: t.detail || undefined, type, boost }));
  add(terms.prefix, "namespace", 3);
  add(terms.class, "class", 2);
  add(terms.property, "property", 1);
  add(terms.concept, "constant", 0);
  KEYWORDS.forEach((k) => options.push({ label: k, type: "keyword", boost: -1 }));
  return (context) => {
    const word = context.matchBefore(/[A-Za-z_][\w-]*:?[\w.-]*/);
    if (!word || (word.from === word.to && !context.explicit)) { return null; }
    return { from: word.from, options, validFor: /^[\w-]*:?[\w.-]*$/ };
  };
}

function diagnosticsFor(doc, error) {
  if (!error || !error.line) { return []; }
  const line = doc.line(Math.max(1, Math.min(doc.lines, error.line)));
  // the column as the parser counts it (1-based); past the line's end: its last character
  let from = line.from + Math.max(0, (error.column || 1) - 1);
  if (from >= line.to) { from = Math.max(line.from, line.to - 1); }
  const to = Math.min(Math.max(line.to, from + 1), from + Math.max(1, error.length || 1), doc.length);
  return [{ from, to, severity: "error", message: error.message || "" }];
}

export default function (component) {
  const { data, parentElement, setStateValue, setTriggerValue } = component;
  let host = parentElement.querySelector(".es-sparql");
  if (!host) {
    host = document.createElement("div");
    host.className = "es-sparql";
    parentElement.appendChild(host);
  }
  let view = host.__view;
  if (!view) {
    const run = (v) => { const text = v.state.doc.toString(); setStateValue("value", text); setTriggerValue("run", text); return true; };
    const state = EditorState.create({
      doc: data.value || "",
      extensions: [
        lineNumbers(), history(), drawSelection(), indentOnInput(), bracketMatching(), closeBrackets(), highlightActiveLine(),
        StreamLanguage.define(sparql), syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        autocompletion({ override: [completer(data.terms || {})], activateOnTyping: true }),
        lintGutter(), linter(null),
        keymap.of([{ key: "Mod-Enter", run }, ...closeBracketsKeymap, ...completionKeymap, ...historyKeymap, ...defaultKeymap, indentWithTab]),
        EditorView.contentAttributes.of({ "aria-label": data.label || "SPARQL", lang: "en" }),
        EditorView.domEventHandlers({ blur: (e, v) => { setStateValue("value", v.state.doc.toString()); } }),
        EditorView.theme({ "&": { border: "1px solid #8a8a8a", borderRadius: "6px", fontSize: "14px" }, ".cm-scroller": { fontFamily: "monospace", minHeight: "260px" } }),
      ],
    });
    view = new EditorView({ state, parent: host });
    host.__view = view;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "es-sparql-run";
    button.textContent = data.run_label || "Run";
    button.addEventListener("click", () => run(view));
    host.appendChild(button);
    host.__button = button;
  }
  if (data.value !== undefined && data.value !== host.__lastValue && data.value !== view.state.doc.toString()) {
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: data.value } });
  }
  host.__lastValue = data.value;
  if (host.__button && data.run_label) { host.__button.textContent = data.run_label; }
  view.dispatch(setDiagnostics(view.state, diagnosticsFor(view.state.doc, data.error)));
  host.dataset.error = data.error && data.error.line ? `${data.error.line}:${data.error.column}` : "";
}
