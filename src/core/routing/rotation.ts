/**
 * Round-robin's turn. The turn is a position in the group's full member list, in
 * its configured order (not in the list of those free at the moment: that list
 * changes from call to call, and an index into it lands on a different manager each
 * time, which made the rotation skip every other manager). A call is offered to the
 * first member at or after the turn who may take it, and the turn moves to just
 * after him: once per offer, whatever path the decision took (first offer, re-offer
 * after a failed ring, a call resumed from the waiting line). When nobody can take
 * the call the turn stays where it is.
 *
 * Pure: the Redis adapter keeps the turn per group and moves it in the same script
 * that reserves the manager (reserve-in-turn.lua follows this function), so several
 * service instances share one rotation.
 */
export interface TurnPick {
  /** Index in the member list of the member offered the call; null when nobody could take it. */
  offered: number | null;
  /** The turn after this pick. */
  turn: number;
}

export function pickInTurn(memberCount: number, turn: number, mayOffer: (index: number) => boolean): TurnPick {
  if (memberCount === 0) return { offered: null, turn: 0 };
  const start = ((Math.trunc(turn) % memberCount) + memberCount) % memberCount;
  for (let k = 0; k < memberCount; k++) {
    const index = (start + k) % memberCount;
    if (mayOffer(index)) return { offered: index, turn: (index + 1) % memberCount };
  }
  return { offered: null, turn: start };
}
