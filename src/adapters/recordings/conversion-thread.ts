import { convertCallRecording, type ConvertCallRecordingInput, type ConvertedRecording } from './pcap-to-recording.js';

/** One conversion, run in a thread of ConversionThreads: the pcap read, mix and analysis off the worker's event loop. */
export default function convertInThread(input: ConvertCallRecordingInput): Promise<ConvertedRecording> {
  return convertCallRecording(input);
}
