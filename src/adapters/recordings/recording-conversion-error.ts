import { AppError } from '../../core/errors/app-error.js';

/** A recording that could not be converted: `RECORDING.<code>` (PCAP_UNREADABLE, FFMPEG_MISSING, FFMPEG_FAILED...). */
export class RecordingConversionError extends AppError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(`RECORDING.${code}`, message, 500, options);
  }
}
