/**
 * Where the distance between points i < j lives in a flat array: `rowPart[i] + colPart[j]`. The
 * agglomeration loops only ever use this sum, so the storage order is free to choose.
 */
export interface DistanceLayout {
  readonly n: number;
  /** Array length the layout needs. */
  readonly length: number;
  readonly rowPart: Float64Array;
  readonly colPart: Float64Array;
}

/** SciPy's condensed order (`pdist`): the upper triangle row by row, pair (i, j) at n*i - i(i+1)/2 + j - i - 1. */
export function condensedLayout(n: number): DistanceLayout {
  const rowPart = Float64Array.from({ length: n }, (_, i) => n * i - (i * (i + 1)) / 2 - i - 1);
  const colPart = Float64Array.from({ length: n }, (_, j) => j);
  return { n, length: (n * (n - 1)) / 2, rowPart, colPart };
}

const TILE_BITS = 6;
const TILE = 1 << TILE_BITS;
const TILE_SIZE = TILE * TILE;

/**
 * The upper triangle in 64 x 64 tiles (tile rows in order, each tile row-major), for the working
 * copy that linkage rewrites. A nearest-neighbour scan reads one row of the triangle and one column;
 * in the condensed order every column entry sits on its own memory page once n reaches a few
 * thousand, and the page-table walks dominate (NumPy gets huge pages for SciPy's copy; V8 cannot
 * ask for them). In tiles a column visits 64 entries per 8 pages. Costs n * 32 extra entries.
 */
export function tiledLayout(n: number): DistanceLayout {
  const tiles = Math.ceil(n / TILE);
  const rowPart = new Float64Array(n);
  const colPart = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const b = i >> TILE_BITS;
    // Tiles before tile row b: b*tiles - b(b-1)/2; the tile (b, c) is (c - b) tiles further on.
    const before = b * tiles - (b * (b - 1)) / 2;
    rowPart[i] = (before - b) * TILE_SIZE + ((i & (TILE - 1)) << TILE_BITS);
    colPart[i] = b * TILE_SIZE + (i & (TILE - 1));
  }
  return { n, length: ((tiles * (tiles + 1)) / 2) * TILE_SIZE, rowPart, colPart };
}
