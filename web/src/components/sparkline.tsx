/** A small trend line of a cell's values over the trailing periods, the current one last (as a dot). */
export function Sparkline({ values, width = 64, height = 18 }: { values: readonly (number | null)[]; width?: number; height?: number }) {
  const known = values.flatMap((v, i) => (v === null ? [] : [{ i, v }]));
  if (known.length < 2) return null;
  const min = Math.min(...known.map((p) => p.v));
  const max = Math.max(...known.map((p) => p.v));
  const x = (i: number) => (values.length === 1 ? 0 : (i / (values.length - 1)) * (width - 4) + 2);
  const y = (v: number) => (max === min ? height / 2 : height - 2 - ((v - min) / (max - min)) * (height - 4));
  const last = known[known.length - 1]!;
  return (
    <svg class="sparkline" width={width} height={height} viewBox={`0 0 ${width} ${height}`} aria-hidden="true">
      <polyline fill="none" stroke="currentColor" stroke-width="1.2" points={known.map((p) => `${x(p.i)},${y(p.v)}`).join(' ')} />
      <circle cx={x(last.i)} cy={y(last.v)} r="2" fill="currentColor" />
    </svg>
  );
}
