// The toolbar over the body, and the link dialog (Ctrl/Cmd+K). Each button says what it does and
// its key; marks that apply at the cursor show as pressed.
import { toggleMark } from "prosemirror-commands";
import { redo, undo } from "prosemirror-history";
import { hardBreak, linkAt, setLink, setTextStyle, textStyle } from "./commands.js";
import { linkAllowed, schema } from "./schema.js";

const mod = /Mac|iPhone|iPad/.test(navigator.platform) ? "⌘" : "Ctrl+";
const m = schema.marks;

// [command, what the button shows, its name, its key, what it does]
const BUTTONS = [
  ["strong", "B", "Bold", `${mod}B`, toggleMark(m.strong)],
  ["em", "I", "Italic", `${mod}I`, toggleMark(m.em)],
  ["link", "Link", "Link", `${mod}K`, null],
  ["sub", "x₂", "Subscript", `${mod},`, toggleMark(m.sub)],
  ["sup", "x²", "Superscript", `${mod}.`, toggleMark(m.sup)],
  ["code", "<>", "Code", `${mod}E`, toggleMark(m.code)],
  ["break", "↵", "Line break", "Shift+Enter", hardBreak],
  ["undo", "Undo", "Undo", `${mod}Z`, undo],
  ["redo", "Redo", "Redo", `${mod}Shift+Z`, redo],
];

const STYLES = [
  ["paragraph", "Paragraph"], ["heading2", "Heading"], ["heading3", "Subheading"], ["heading4", "Minor heading"],
  ["quote", "Quote"], ["list", "Bulleted list"], ["ordered", "Numbered list"],
];

function markActive(state, type) {
  const { from, $from, to, empty } = state.selection;
  if (empty) return Boolean(type.isInSet(state.storedMarks || $from.marks()));
  return state.doc.rangeHasMark(from, to, type);
}

export function buildToolbar(view, box) {
  const bar = document.createElement("div");
  bar.className = "rich-toolbar";
  bar.setAttribute("role", "toolbar");
  bar.setAttribute("aria-label", "Text formatting");
  bar.setAttribute("aria-controls", "story-body");
  const style = document.createElement("select");
  style.setAttribute("aria-label", "Block style");
  for (const [value, label] of STYLES) style.add(new Option(label, value));
  style.addEventListener("change", () => { setTextStyle(style.value)(view.state, view.dispatch); view.focus(); });
  bar.appendChild(style);
  const buttons = BUTTONS.map(([name, symbol, label, key, command]) => {
    const b = document.createElement("button");
    b.type = "button"; b.title = `${label} (${key})`; b.dataset.command = name;
    b.setAttribute("aria-keyshortcuts", key.replace("⌘", "Meta+").replace("Ctrl+", "Control+"));
    // Screen readers hear the name; the symbol is for the eye.
    const shown = document.createElement("span");
    shown.setAttribute("aria-hidden", "true"); shown.textContent = symbol;
    const named = document.createElement("span");
    named.className = "visually-hidden"; named.textContent = label;
    if (symbol === label) b.textContent = label; else b.append(shown, named);
    if (m[name]) b.setAttribute("aria-pressed", "false");
    b.addEventListener("mousedown", (ev) => ev.preventDefault());
    b.addEventListener("click", () => {
      if (name === "link") openLinkDialog(view);
      else { command(view.state, view.dispatch); view.focus(); }
    });
    bar.appendChild(b);
    return [name, b, command];
  });
  box.prepend(bar);
  return {
    update(state) {
      for (const [name, b, command] of buttons) {
        if (m[name]) b.setAttribute("aria-pressed", String(markActive(state, m[name])));
        if (name === "link") b.setAttribute("aria-pressed", String(Boolean(linkAt(state)) || markActive(state, m.link)));
        if (command) b.disabled = !command(state);
      }
      const s = textStyle(state);
      style.disabled = s === "";
      if (s) style.value = s;
    },
  };
}

// The link dialog: the address (checked as the server checks it), the words when nothing is
// selected, and Remove for a link already there.
let dialog;
function linkDialog() {
  if (dialog) return dialog;
  dialog = document.createElement("dialog");
  dialog.id = "link-dialog";
  dialog.setAttribute("aria-labelledby", "link-dialog-title");
  dialog.innerHTML = `<form method="dialog" novalidate>
  <h2 id="link-dialog-title">Link</h2>
  <label for="link-href">Address</label>
  <input id="link-href" inputmode="url" autocomplete="off" placeholder="https://… , mailto:… or /a-path-on-this-site" aria-describedby="link-error">
  <p id="link-error" class="field-error" role="alert" hidden></p>
  <div id="link-words-row"><label for="link-words">Words</label><input id="link-words" autocomplete="off"></div>
  <p class="dialog-buttons"><button type="submit" value="apply" id="link-apply">Apply</button>
  <button type="submit" value="remove" id="link-remove">Remove link</button>
  <button type="submit" value="cancel" formnovalidate>Cancel</button></p></form>`;
  document.body.appendChild(dialog);
  return dialog;
}

export function openLinkDialog(view) {
  const state = view.state;
  const d = linkDialog();
  const href = d.querySelector("#link-href"), words = d.querySelector("#link-words"), error = d.querySelector("#link-error");
  const around = linkAt(state);
  const needWords = state.selection.empty && !around;
  href.value = around ? around.href : "";
  words.value = "";
  d.querySelector("#link-words-row").hidden = !needWords;
  d.querySelector("#link-remove").hidden = !around;
  error.hidden = true; href.removeAttribute("aria-invalid");
  const form = d.querySelector("form");
  form.onsubmit = (ev) => {
    const choice = ev.submitter ? ev.submitter.value : "apply";
    if (choice === "apply") {
      const target = href.value.trim();
      if (!linkAllowed(target)) {
        ev.preventDefault();
        error.textContent = "A link goes to a web address (https://…), an email address (mailto:…) or a path on this site (/…).";
        error.hidden = false; href.setAttribute("aria-invalid", "true"); href.focus();
        return;
      }
      if (needWords && !words.value.trim()) {
        ev.preventDefault();
        error.textContent = "Type the words that link, or select them in the story first.";
        error.hidden = false; words.focus();
        return;
      }
      setLink(target, words.value.trim())(view.state, view.dispatch);
    } else if (choice === "remove") {
      setLink("")(view.state, view.dispatch);
    }
  };
  d.onclose = () => view.focus();
  d.showModal();
  href.focus();
  return true;
}
