// What the page's editor uses of CodeMirror 6, bundled once into
// static/vendor/codemirror-<version>/codemirror.min.js by scripts/build-codemirror.sh.
export {EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter,
  drawSelection} from "@codemirror/view";
export {EditorState, Compartment} from "@codemirror/state";
export {defaultKeymap, history, historyKeymap, indentWithTab} from "@codemirror/commands";
export {syntaxHighlighting, defaultHighlightStyle, indentUnit, bracketMatching,
  HighlightStyle} from "@codemirror/language";
export {tags} from "@lezer/highlight";
export {python} from "@codemirror/lang-python";
export {setDiagnostics, lintGutter} from "@codemirror/lint";
