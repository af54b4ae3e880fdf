import type { BoardIssue, BoardIssueDetail, BoardView } from "../view-types.ts";
import { followEvents, getJson, type Refusal, RefusedError } from "./api.ts";
import { el } from "./dom.ts";
import { drawMap, hasMap, STATE_COLORS } from "./map.ts";
import { STATE_LABELS, T } from "./texts.ts";

/**
 * The 挂图作战 board: a map of the grids (or community → grid tiles) with the open issues in their state's colour,
 * the day's figures and the ranking from the digest, the issues as a list, and an issue's card content with its
 * photos on click. Changes arrive over server-sent events and reload the board within seconds. `#screen` is the
 * big-screen mode (1920×1080, dark, no controls); narrow screens get the phone layout from the stylesheet.
 *
 * The link's token comes in the URL's fragment (#t=…), is kept in this tab's sessionStorage and taken out of the
 * address bar at once, and travels only in the Authorization header.
 */

const TOKEN_KEY = "riqing.board.token";
const root = document.getElementById("board") as HTMLElement;

interface State {
  token: string;
  screen: boolean;
  unit: number | null;
  view: BoardView | null;
  filters: { category: string; community: string; state: string };
}

const state: State = {
  token: "",
  screen: false,
  unit: null,
  view: null,
  filters: { category: "", community: "", state: "" },
};
let disposeMap: (() => void) | undefined;
let reloadTimer: number | undefined;
let live: HTMLElement | undefined;

/** Puts `nodes` in place of the page's content, disposing of the map that goes with it. */
function replaceRoot(...nodes: Node[]): void {
  disposeMap?.();
  disposeMap = undefined;
  root.replaceChildren(...nodes);
}

function readLocation(): void {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get("t");
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  state.token = token ?? sessionStorage.getItem(TOKEN_KEY) ?? "";
  state.screen = params.has("screen");
  document.body.classList.toggle("screen", state.screen);
  // The token leaves the address bar (and the history) as soon as it is read.
  history.replaceState(null, "", state.screen ? "/board#screen" : "/board");
}

function showRefusal(refusal: Refusal | { error: string; login: boolean }): void {
  document.title = T.refusedTitle;
  replaceRoot(
    el(
      "main",
      { class: "refusal", "data-test": "refusal" },
      el("h1", {}, "401"),
      el("p", { class: "refusal-message" }, refusal.error),
      el("p", { class: "refusal-hint" }, T.askBot),
      refusal.login ? el("a", { class: "login", href: "/board/login" }, T.loginWithFeishu) : null,
    ),
  );
}

async function load(): Promise<void> {
  try {
    const query = state.unit === null ? "" : `?unit=${state.unit}`;
    state.view = await getJson<BoardView>(`/board/api/view${query}`, state.token);
    state.unit = state.view.unit.id;
    render();
  } catch (error) {
    if (error instanceof RefusedError) return showRefusal(error.refusal);
    if (!state.view) replaceRoot(el("p", { class: "loading" }, T.failed));
    window.setTimeout(() => void load(), 3000);
  }
}

/** Reloads the board shortly after a change (a burst of changes makes one reload). */
function reloadSoon(): void {
  window.clearTimeout(reloadTimer);
  reloadTimer = window.setTimeout(() => void load(), 250);
}

async function listen(): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const controller = new AbortController();
    try {
      setLive(true);
      await followEvents(
        state.token,
        (event) => {
          if (event.type === "changed") reloadSoon();
          else showRefusal({ error: event.message, login: false });
        },
        controller.signal,
      );
    } catch (error) {
      if (error instanceof RefusedError) return showRefusal(error.refusal);
    }
    setLive(false);
    await new Promise((resolve) => window.setTimeout(resolve, Math.min(10_000, 1000 * 2 ** Math.min(attempt, 3))));
    reloadSoon();
  }
}

function setLive(on: boolean): void {
  if (!live) return;
  live.classList.toggle("off", !on);
  live.textContent = on ? T.live : T.reconnecting;
}

function matches(issue: BoardIssue): boolean {
  const { category, community, state: wanted } = state.filters;
  return (
    (category === "" || String(issue.categoryId) === category) &&
    (community === "" || String(issue.communityId) === community) &&
    (wanted === "" || issue.state === wanted)
  );
}

function render(): void {
  const view = state.view;
  if (!view) return;
  document.title = `${T.title} · ${view.unit.name}`;
  const issues = view.issues.filter(matches);
  live = el("span", { class: "live", "data-test": "live" }, T.live);
  const header = el(
    "header",
    { class: "top" },
    el("h1", {}, `${T.title} · `, el("span", { "data-test": "unit" }, view.unit.name)),
    view.roots.length > 1 && !state.screen
      ? el(
          "nav",
          { class: "units" },
          ...view.roots.map((r) =>
            el(
              "button",
              {
                class: r.id === view.unit.id ? "on" : "",
                onclick: () => {
                  state.unit = r.id;
                  void load();
                },
              },
              r.name,
            ),
          ),
        )
      : null,
    el("span", { class: "updated" }, T.updated(view.generatedAt)),
    live,
    state.screen
      ? null
      : el(
          "button",
          {
            class: "to-screen",
            onclick: () => {
              location.hash = "screen";
              readLocation();
              render();
            },
          },
          T.screenMode,
        ),
  );
  const mapBox = el("section", { class: "map", "data-test": "map" });
  const main = el(
    "div",
    { class: "layout" },
    el("div", { class: "left" }, state.screen ? null : filters(view), legend(), mapBox),
    el("aside", { class: "right" }, headline(view), ranking(view), list(issues, view)),
  );
  replaceRoot(header, main);
  if (hasMap(view)) {
    mapBox.classList.add("has-map");
    disposeMap = drawMap(mapBox, view, issues, {
      dark: state.screen,
      interactive: !state.screen,
      onIssue: showIssue,
      onFail: (error) => {
        console.error("board: the map failed, showing tiles instead", error);
        mapBox.classList.remove("has-map");
        mapBox.replaceChildren(tiles(view, issues));
      },
    });
  } else {
    mapBox.append(tiles(view, issues));
  }
}

function filters(view: BoardView): HTMLElement {
  const select = (key: keyof State["filters"], all: string, options: { value: string; label: string }[]) =>
    el(
      "select",
      {
        "data-filter": key,
        onchange: (event: Event) => {
          state.filters[key] = (event.target as HTMLSelectElement).value;
          render();
        },
      },
      el("option", { value: "" }, all),
      ...options.map((o) => el("option", { value: o.value, selected: state.filters[key] === o.value }, o.label)),
    );
  return el(
    "div",
    { class: "filters" },
    select(
      "category",
      T.allCategories,
      view.categories.map((c) => ({ value: String(c.id), label: c.name })),
    ),
    view.areas.length > 1
      ? select(
          "community",
          T.allCommunities,
          view.areas.map((a) => ({ value: String(a.id), label: a.name })),
        )
      : null,
    select(
      "state",
      T.allStates,
      Object.entries(STATE_LABELS).map(([value, label]) => ({ value, label })),
    ),
  );
}

function legend(): HTMLElement {
  return el(
    "div",
    { class: "legend" },
    ...Object.entries(STATE_LABELS).map(([key, label]) =>
      el("span", { class: "legend-item" }, el("i", { style: `background:${STATE_COLORS[key]}` }), label),
    ),
  );
}

function tiles(view: BoardView, issues: readonly BoardIssue[]): HTMLElement {
  const byGrid = new Map<number | null, BoardIssue[]>();
  for (const issue of issues) byGrid.set(issue.gridId, [...(byGrid.get(issue.gridId) ?? []), issue]);
  const unplaced = byGrid.get(null) ?? [];
  return el(
    "div",
    { class: "tiles", "data-test": "tiles" },
    ...view.areas.map((area) =>
      el(
        "section",
        { class: "area" },
        el("h3", {}, area.name),
        el(
          "div",
          { class: "grids" },
          ...area.grids.map((grid) => {
            const here = byGrid.get(grid.id) ?? [];
            return el(
              "div",
              { class: "grid-tile", "data-grid": grid.name },
              el("div", { class: "grid-name" }, grid.name, el("b", {}, String(here.length))),
              el("div", { class: "chips" }, ...here.map(chip)),
            );
          }),
        ),
      ),
    ),
    unplaced.length > 0
      ? el("section", { class: "area" }, el("h3", {}, T.unplaced), el("div", { class: "chips" }, ...unplaced.map(chip)))
      : null,
  );
}

function chip(issue: BoardIssue): HTMLElement {
  return el(
    "button",
    {
      class: `chip state-${issue.state}`,
      title: `#${issue.number} ${issue.category ?? ""} · ${STATE_LABELS[issue.state]}`,
      "data-issue": issue.number,
      onclick: () => showIssue(issue.number),
    },
    String(issue.number),
  );
}

function headline(view: BoardView): HTMLElement {
  const h = view.headline;
  // Long values ("不到 1 分钟") get a smaller type so every figure keeps one line.
  const figure = (label: string, value: string | number, tone = "") =>
    el(
      "div",
      { class: `figure ${tone} ${String(value).length > 4 ? "long" : ""}` },
      el("b", {}, String(value)),
      el("span", {}, label),
    );
  return el(
    "section",
    { class: "headline", "data-test": "headline" },
    el("h2", {}, T.headline),
    el(
      "div",
      { class: "figures" },
      figure(T.found, h.found),
      figure(T.rectified, h.rectified),
      figure(T.open, h.open),
      figure(T.overdue, h.overdue, h.overdue > 0 ? "alert" : ""),
      figure(T.awaiting, h.awaiting),
      figure(T.rate, h.rate),
      figure(T.cumulativeRate, h.cumulativeRate),
      figure(T.rectificationTime, h.rectificationTime),
    ),
  );
}

function ranking(view: BoardView): HTMLElement {
  const { rows, title, unranked } = view.ranking;
  return el(
    "section",
    { class: "ranking", "data-test": "ranking" },
    el("h2", {}, title),
    rows.length === 0
      ? el("p", { class: "empty" }, T.noRanking)
      : el(
          "ol",
          {},
          ...rows.map((r) =>
            el(
              "li",
              {},
              el("span", { class: "rank" }, String(r.rank)),
              el("span", { class: "name" }, `${r.flag ? `${r.flag} ` : ""}${r.name}`),
              el("span", { class: "rate" }, r.rate),
              el("span", { class: "terms" }, r.terms),
            ),
          ),
        ),
    unranked ? el("p", { class: "unranked" }, unranked) : null,
  );
}

const LIST_LIMIT = 60;

function list(issues: readonly BoardIssue[], view: BoardView): HTMLElement {
  const shown = issues.slice(0, LIST_LIMIT);
  return el(
    "section",
    { class: "issues", "data-test": "issues" },
    el("h2", {}, T.issues(issues.length)),
    issues.length === 0
      ? el("p", { class: "empty" }, view.issues.length === 0 ? T.noIssues : T.noMatch)
      : el(
          "ul",
          {},
          ...shown.map((issue) =>
            el(
              "li",
              { "data-issue": issue.number, onclick: () => showIssue(issue.number) },
              el("i", { style: `background:${STATE_COLORS[issue.state]}` }),
              el("b", {}, `#${issue.number}`),
              el(
                "span",
                { class: "what" },
                `${issue.category ?? ""} · ${[issue.grid, issue.point].filter(Boolean).join(" ")}`,
              ),
              el("span", { class: "state" }, STATE_LABELS[issue.state] ?? ""),
            ),
          ),
        ),
    issues.length > shown.length ? el("p", { class: "more" }, T.more(issues.length)) : null,
  );
}

async function showIssue(number: number): Promise<void> {
  let detail: BoardIssueDetail;
  try {
    detail = await getJson<BoardIssueDetail>(`/board/api/issues/${number}`, state.token);
  } catch (error) {
    if (error instanceof RefusedError) showRefusal(error.refusal);
    return;
  }
  const close = () => overlay.remove();
  const photos = (label: string, urls: string[]) =>
    el(
      "div",
      { class: "photos" },
      el("h4", {}, label),
      urls.length === 0 ? el("p", { class: "empty" }, T.noPhotos) : null,
      ...urls.map((url) => el("img", { src: url, alt: label, loading: "lazy" })),
    );
  const row = (label: string, value: string | null) =>
    value ? el("div", { class: "row" }, el("dt", {}, label), el("dd", {}, value)) : null;
  const overlay: HTMLElement = el(
    "div",
    { class: "overlay", onclick: (event: Event) => event.target === overlay && close() },
    el(
      "article",
      { class: "detail", "data-test": "detail" },
      el(
        "header",
        { style: `border-color:${STATE_COLORS[detail.state ?? ""] ?? "#9aa5b1"}` },
        el("h2", {}, detail.title),
        el("span", { class: "status" }, detail.state ? STATE_LABELS[detail.state] : detail.status),
        el("button", { class: "close", onclick: close, "aria-label": T.close }, "×"),
      ),
      el(
        "dl",
        {},
        row(T.place, detail.place),
        row(T.reporter, `${detail.reporter} ${detail.reportedAt}`),
        row(T.source, detail.source),
        row(T.assignee, detail.assignee),
        row(T.deadline, detail.deadline),
      ),
      el("p", { class: "text" }, detail.text),
      el(
        "div",
        { class: "photo-pair" },
        photos(T.beforePhotos, detail.photos.before),
        photos(T.afterPhotos, detail.photos.after),
      ),
      el(
        "section",
        { class: "history" },
        el("h4", {}, T.history),
        el("ol", {}, ...detail.history.map((h) => el("li", {}, `${h.at} ${h.actor} ${h.text}`))),
      ),
    ),
  );
  document.body.append(overlay);
}

readLocation();
if (!state.token) {
  showRefusal({ error: T.noToken, login: false });
} else {
  replaceRoot(el("p", { class: "loading" }, T.loading));
  void load().then(() => void listen());
}
