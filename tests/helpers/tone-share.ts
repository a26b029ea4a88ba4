/** Tone detection in G.711-decoded RTP (8 kHz), for the browser phone's media tests. */

export function concat(frames: Int16Array[]): Int16Array {
  const out = new Int16Array(frames.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of frames) (out.set(f, at), (at += f.length));
  return out;
}

/** Share of the signal's energy at one frequency (Goertzel over 8 kHz samples, 20 ms blocks). */
export function toneShare(samples: Int16Array, hz: number): number {
  const block = 160;
  let tone = 0;
  let total = 0;
  for (let start = 0; start + block <= samples.length; start += block) {
    const k = Math.round((block * hz) / 8000);
    const w = (2 * Math.PI * k) / block;
    const coeff = 2 * Math.cos(w);
    let s1 = 0;
    let s2 = 0;
    let energy = 0;
    for (let i = 0; i < block; i++) {
      const x = samples[start + i]!;
      energy += x * x;
      const s0 = x + coeff * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    // |X(k)|^2 of a real sine holds half its energy (the other half is at -k).
    tone += (2 * (s1 * s1 + s2 * s2 - coeff * s1 * s2)) / block;
    total += energy;
  }
  return total === 0 ? 0 : tone / total;
}
