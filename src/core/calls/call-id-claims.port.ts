/**
 * A new call's Call-ID must be one nobody used: a call's record, its recording and its
 * live state are all keyed by it, so a second INVITE with a colleague's Call-ID would
 * take them over. `claim` is atomic across service instances: of two calls with one
 * Call-ID exactly one gets true.
 */
export interface CallIdClaims {
  /** true: the Call-ID was free and is now this call's; false: it is (or was) another call's. */
  claim(callId: string): Promise<boolean>;
}
