/**
 * The simulator stands in for the platform, so it keeps its own code tables; they must be the ones the client's body
 * schemas accept, or the simulator would accept (or refuse) what the client refuses (or sends).
 */
import assert from "node:assert/strict";
import {
  DURATION_UNITS,
  FUNDING_TYPES,
  NATURES,
  OUTCOMES,
  RIGHT_UNITS,
} from "../../src/core/api/operations/bodySchemas";
import * as simulator from "../../src/simulator/seed";

describe("simulator: code tables", () => {
  it("natures, duration units, outcomes and funding types equal the client's body schemas", () => {
    assert.deepEqual([...simulator.NATURES].sort(), [...NATURES].sort());
    assert.deepEqual([...simulator.DURATION_UNITS].sort(), [...DURATION_UNITS].sort());
    assert.deepEqual([...simulator.OUTCOMES].sort(), [...OUTCOMES].sort());
    assert.deepEqual([...simulator.FUNDINGS].sort(), [...FUNDING_TYPES].sort());
  });

  it("training-right units are the duration units", () => {
    assert.deepEqual([...RIGHT_UNITS].sort(), [...simulator.DURATION_UNITS].sort());
  });
});
