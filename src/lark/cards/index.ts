/** Pure helpers for card JSON 1.0; presenters build Riqing's cards from these. */
export {
  actions,
  type ButtonInput,
  type ButtonType,
  button,
  buttons,
  type Confirm,
  form,
  type InputInput,
  input,
  type SelectInput,
  type SelectOption,
  type SubmitButtonInput,
  select,
  selectMenu,
  submitButton,
} from "./actions.ts";
export {
  type Card,
  type CardElement,
  type CardInput,
  type CardText,
  card,
  type HeaderTemplate,
  larkMd,
  type MaybeElement,
  plainText,
} from "./card.ts";
export {
  assertCardWithinLimits,
  CARD_BUDGET_BYTES,
  CARD_MAX_ELEMENTS,
  CardLimitError,
  cardFits,
  measureCard,
  pagedCards,
} from "./limits.ts";
export { escapeMarkdown, type Field, fields, hr, image, markdown, mention, note } from "./markdown.ts";
