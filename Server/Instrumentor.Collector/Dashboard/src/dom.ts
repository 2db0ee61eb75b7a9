// The only way the dashboard creates elements. Stored values (process names, captured arguments,
// exceptions, logs) reach the page as text nodes only: no innerHTML, no attribute built from markup,
// so a value like `<img src=x onerror=alert(1)>` shows as those characters and runs nothing.

export type Child = Node | string | number | null | undefined | false;

export interface Props {
  className?: string;
  testId?: string;
  title?: string;
  attrs?: Record<string, string>;
  /** Set through the CSSOM (allowed by the page's Content-Security-Policy; a style attribute is not). */
  style?: Partial<Record<"left" | "width" | "paddingLeft" | "height" | "transform", string>>;
  on?: Partial<{ [K in keyof HTMLElementEventMap]: (event: HTMLElementEventMap[K]) => void }>;
}

/** Creates an element; strings among the children become text nodes. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props) {
    if (props.className) element.className = props.className;
    if (props.testId) element.dataset.testid = props.testId;
    if (props.title) element.title = props.title;
    if (props.style) Object.assign(element.style, props.style);
    if (props.attrs) for (const [name, value] of Object.entries(props.attrs)) element.setAttribute(name, value);
    if (props.on) {
      for (const [name, handler] of Object.entries(props.on)) {
        element.addEventListener(name, handler as EventListener);
      }
    }
  }
  append(element, children);
  return element;
}

/** Appends children; strings and numbers become text nodes. */
export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
  }
}

/** Replaces every child of the element. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}
