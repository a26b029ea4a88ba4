/** RIFF/WAVE PCM 16-bit headers: the format a recording is handed to encoders in. */

export const WAV_HEADER_BYTES = 44;

/** The 44-byte header of a PCM 16-bit little-endian WAV holding `dataBytes` of samples. */
export function wavHeader(dataBytes: number, sampleRate = 8000, channels = 2): Buffer {
  const h = Buffer.alloc(WAV_HEADER_BYTES);
  const blockAlign = channels * 2;
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16); // fmt chunk size
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * blockAlign, 28);
  h.writeUInt16LE(blockAlign, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

/** A whole WAV file of interleaved samples (host order is little-endian on every platform Node runs on here). */
export function wavFile(samples: Int16Array, sampleRate = 8000, channels = 2): Buffer {
  const data = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  return Buffer.concat([wavHeader(data.length, sampleRate, channels), data]);
}
