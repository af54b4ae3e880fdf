import { type CardElement, type CardText, plainText } from "./card.ts";

/** Button styles in card 1.0. */
export type ButtonType = "default" | "primary" | "danger";

/** A confirmation dialog shown before the action is sent. */
export interface Confirm {
  title: string;
  text: string;
}

/** What `button()` takes. `value` comes back in the card action callback and must be an object. */
export interface ButtonInput {
  text: string;
  value: Record<string, unknown>;
  type?: ButtonType;
  confirm?: Confirm;
}

/** One option of a select menu. */
export interface SelectOption {
  text: string;
  value: string;
}

/** What `select()` takes; `value` comes back with the chosen option in the callback. */
export interface SelectInput {
  placeholder: string;
  options: readonly SelectOption[];
  value: Record<string, unknown>;
  /** The option shown as chosen. */
  initialOption?: string;
}

function confirmDialog(confirm: Confirm | undefined): { title: CardText; text: CardText } | undefined {
  return confirm ? { title: plainText(confirm.title), text: plainText(confirm.text) } : undefined;
}

/** One button, for `actions()`. */
export function button(input: ButtonInput): CardElement {
  const el: CardElement = {
    tag: "button",
    text: plainText(input.text),
    type: input.type ?? "default",
    value: input.value,
  };
  const confirm = confirmDialog(input.confirm);
  if (confirm) el.confirm = confirm;
  return el;
}

/** One static select menu, for `actions()`. */
export function select(input: SelectInput): CardElement {
  const el: CardElement = {
    tag: "select_static",
    placeholder: plainText(input.placeholder),
    options: input.options.map((o) => ({ text: plainText(o.text), value: o.value })),
    value: input.value,
  };
  if (input.initialOption !== undefined) el.initial_option = input.initialOption;
  return el;
}

/** A row of interactive components (buttons, selects). */
export function actions(items: readonly CardElement[]): CardElement {
  return { tag: "action", actions: [...items] };
}

/** A row of buttons. */
export function buttons(items: readonly ButtonInput[]): CardElement {
  return actions(items.map(button));
}

/** A row holding one select menu. */
export function selectMenu(input: SelectInput): CardElement {
  return actions([select(input)]);
}

/** What `input()` takes. In 1.0 an input only submits inside a `form`. */
export interface InputInput {
  /** Key of the typed text in the callback's `form_value`; unique in the card. */
  name: string;
  placeholder?: string;
  label?: string;
  required?: boolean;
  maxLength?: number;
}

/** A text input (card 1.0 supports it inside a form container, Lark clients 6.8 and later). */
export function input(spec: InputInput): CardElement {
  const el: CardElement = { tag: "input", name: spec.name, required: spec.required ?? false };
  if (spec.placeholder !== undefined) el.placeholder = plainText(spec.placeholder);
  if (spec.label !== undefined) {
    el.label = plainText(spec.label);
    el.label_position = "top";
  }
  if (spec.maxLength !== undefined) el.max_length = spec.maxLength;
  return el;
}

/** What `submitButton()` takes: the button that sends a form; `name` identifies it in the callback. */
export interface SubmitButtonInput extends ButtonInput {
  name: string;
}

/** The button that submits the form it sits in; the callback carries `form_value` with every input by name. */
export function submitButton(spec: SubmitButtonInput): CardElement {
  return { ...button(spec), action_type: "form_submit", name: spec.name };
}

/**
 * A form container (card 1.0): inputs and a submit button whose callback carries all inputs at once in
 * `action.form_value`. Used to ask for a reason (退回原因, 驳回理由) without leaving the card.
 */
export function form(name: string, elements: readonly CardElement[]): CardElement {
  return { tag: "form", name, elements: [...elements] };
}
