/** What the board's server answers (src/board/board-view.ts), as the page reads it. */

export interface Geometry {
  type: "Polygon" | "MultiPolygon";
  coordinates: unknown;
}

export interface BoardIssue {
  number: number;
  state: string;
  status: string;
  category: string | null;
  categoryId: number | null;
  communityId: number | null;
  gridId: number | null;
  grid: string | null;
  point: string | null;
  position: [number, number] | null;
  text: string;
  reportedAt: string;
  deadline: string | null;
}

export interface BoardView {
  generatedAt: string;
  roots: { id: number; name: string }[];
  unit: { id: number; name: string; level: string };
  areas: { id: number; name: string; grids: { id: number; code: string; name: string; boundary: Geometry | null }[] }[];
  issues: BoardIssue[];
  categories: { id: number; name: string }[];
  headline: {
    found: number;
    rectified: number;
    closed: number;
    open: number;
    overdue: number;
    awaiting: number;
    rate: string;
    cumulativeRate: string;
    response: string;
    figures: { label: string; value: string }[];
  };
  ranking: {
    title: string;
    rows: { name: string; rank: number; flag: string; rate: string; terms: string }[];
    unranked: string | null;
  };
}

export interface IssueDetail {
  number: number;
  title: string;
  state: string | null;
  status: string;
  category: string | null;
  place: string;
  text: string;
  reporter: string;
  source: string | null;
  reportedAt: string;
  assignee: string | null;
  deadline: string | null;
  overdue: boolean;
  photos: { before: string[]; after: string[] };
  history: { at: string; actor: string; text: string }[];
}
