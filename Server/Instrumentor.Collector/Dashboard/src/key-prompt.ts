// Asks for the read key when the collector runs with --read-key and answered 401.

import { readKey, setReadKey } from "./api";
import { h } from "./dom";

export class KeyPrompt {
  readonly element: HTMLElement;
  private readonly input = h("input", { testId: "read-key", attrs: { type: "password", autocomplete: "off", "aria-label": "Read key" } });
  private readonly note = h("p", { className: "muted" });
  private open = false;

  constructor(private readonly onKey: () => void) {
    const form = h(
      "form",
      { className: "modal-panel key-panel", attrs: { role: "dialog", "aria-modal": "true" } },
      h("h2", null, "Read key needed"),
      h("p", null, "This collector was started with --read-key. Enter the key to see its traces."),
      this.note,
      this.input,
      h("button", { testId: "read-key-submit", attrs: { type: "submit" } }, "Open dashboard"),
    );
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const key = this.input.value.trim();
      if (!key) return;
      setReadKey(key);
      this.hide();
      this.onKey();
    });
    this.element = h("div", { className: "modal key-modal", attrs: { hidden: "" } }, form);
  }

  ask(): void {
    if (this.open) return;
    this.open = true;
    this.note.textContent = readKey() ? "The key given was refused." : "";
    this.element.hidden = false;
    this.input.value = "";
    this.input.focus();
  }

  private hide(): void {
    this.open = false;
    this.element.hidden = true;
  }
}
