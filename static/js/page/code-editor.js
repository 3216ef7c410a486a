// The program editor: CodeMirror 6 (static/vendor/codemirror-*, scripts/build-codemirror.sh)
// with Python highlighting, line numbers, Ctrl/Cmd+Enter to run, and the server's errors as
// diagnostics at their line and column. Same interface as the textarea Editor (editor.js);
// the textarea stays in the page, hidden, as the no-JS fallback and holds the text too.
// Key events from inside come to the document retargeted to the shadow host: controls.js
// looks at event.composedPath()[0] for where they were typed.
import {
  EditorState, EditorView, HighlightStyle, bracketMatching, defaultKeymap, drawSelection,
  highlightActiveLine, history, historyKeymap, indentUnit, keymap, lineNumbers, lintGutter,
  python, setDiagnostics, syntaxHighlighting, tags,
} from "../../vendor/codemirror-6.0.2/codemirror.min.js";

// Colours from the page's theme (app.css: --code-*), so both themes keep their contrast.
const HIGHLIGHT = HighlightStyle.define([
  {tag: [tags.keyword, tags.controlKeyword, tags.definitionKeyword, tags.operatorKeyword],
    color: "var(--code-keyword)", fontWeight: "600"},
  {tag: [tags.string, tags.special(tags.string)], color: "var(--code-string)"},
  {tag: [tags.number, tags.bool, tags.null], color: "var(--code-number)"},
  {tag: [tags.comment, tags.lineComment], color: "var(--code-comment)", fontStyle: "italic"},
  {tag: [tags.function(tags.variableName), tags.function(tags.propertyName)],
    color: "var(--code-function)"},
]);

const THEME = EditorView.theme({
  "&": {color: "var(--fg)", backgroundColor: "var(--bg)", fontSize: "var(--code-size)"},
  ".cm-content": {fontFamily: "var(--font-code)", lineHeight: "var(--code-line)",
    caretColor: "var(--fg)", minHeight: "calc(10 * var(--code-size) * var(--code-line))"},
  ".cm-gutters": {backgroundColor: "var(--panel)", color: "var(--muted)",
    borderRight: "1px solid var(--border)"},
  ".cm-activeLine": {backgroundColor: "var(--code-active-line)"},
  ".cm-cursor": {borderLeftColor: "var(--fg)"},
  "&.cm-focused": {outline: "3px solid var(--focus)", outlineOffset: "-3px"},
  ".cm-scroller": {fontFamily: "var(--font-code)"},
});

export class CodeEditor {
  constructor({textarea, host, onRun}) {
    this.textarea = textarea;
    const run = keymap.of([{key: "Mod-Enter", preventDefault: true, run: () => { onRun(); return true; }}]);
    const described = textarea.getAttribute("aria-describedby") || "";
    // In a shadow root: CodeMirror's styles then go in as constructed style sheets, which
    // the page's Content-Security-Policy (style-src 'self') allows, not as a <style> element.
    const shadow = document.createElement("div");
    shadow.className = "code-editor";
    host.append(shadow);
    const root = shadow.attachShadow({mode: "open"});
    this.view = new EditorView({
      root,
      parent: root,
      state: EditorState.create({doc: textarea.value, extensions: [
        run, lineNumbers(), history(), drawSelection(), highlightActiveLine(), bracketMatching(),
        indentUnit.of("    "), python(), syntaxHighlighting(HIGHLIGHT), lintGutter(), THEME,
        // Long lines wrap: the editor never scrolls inside the page (a scrolled region would
        // need a keyboard stop of its own), and a phone shows whole lines.
        EditorView.lineWrapping,
        keymap.of([...defaultKeymap, ...historyKeymap]),
        EditorView.contentAttributes.of({
          "aria-label": textarea.getAttribute("aria-label") || "", "aria-describedby": described,
          spellcheck: "false", autocapitalize: "off", autocorrect: "off", translate: "no",
        }),
        EditorView.updateListener.of((update) => {
          if (!update.docChanged) return;
          this.textarea.value = update.state.doc.toString();
          if (!this.settingValue) this.clearError();
        }),
      ]}),
    });
    textarea.hidden = true;
  }

  get value() {
    return this.view.state.doc.toString();
  }

  set value(text) {
    this.settingValue = true;
    this.view.dispatch({changes: {from: 0, to: this.view.state.doc.length, insert: text}});
    this.settingValue = false;
    this.clearError();
  }

  // The translated aria-label (i18n changes the textarea's).
  relabel() {
    this.view.contentDOM.setAttribute("aria-label", this.textarea.getAttribute("aria-label") || "");
  }

  lineText(line) {
    const doc = this.view.state.doc;
    return line >= 1 && line <= doc.lines ? doc.line(line).text : "";
  }

  // line and column are 1-based, as the server's problems give them.
  markError(line, column = null, detail = "") {
    this.markErrors([{line, column, detail}]);
  }

  markErrors(errors) {
    const doc = this.view.state.doc;
    const diagnostics = errors.filter((e) => Number.isInteger(e.line) && e.line >= 1).map((e) => {
      const line = doc.line(Math.min(e.line, doc.lines));
      const from = Math.min(line.from + Math.max((e.column ?? 1) - 1, 0), line.to);
      const to = from < line.to ? from + 1 : from;
      return {from, to, severity: "error", message: e.detail || ""};
    });
    this.view.dispatch(setDiagnostics(this.view.state, diagnostics));
    if (diagnostics.length) {
      this.view.dispatch({effects: EditorView.scrollIntoView(diagnostics[0].from, {y: "center"})});
    }
  }

  clearError() {
    this.view.dispatch(setDiagnostics(this.view.state, []));
  }
}
