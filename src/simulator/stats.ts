/** Counters of what the simulator saw and answered. */
import type { SimulatorStats } from "./types";

export function createStats(): SimulatorStats {
  const stats: SimulatorStats = {
    tokenRequests: 0,
    tokensIssued: 0,
    rejectedAssertions: 0,
    requests: 0,
    byRoute: {},
    byStatus: {},
    unauthorized: 0,
    trainingsCreated: 0,
    duplicatesRefused: 0,
    faultsInjected: 0,
    faultsByKind: {},
    reset() {
      stats.tokenRequests = 0;
      stats.tokensIssued = 0;
      stats.rejectedAssertions = 0;
      stats.requests = 0;
      stats.byRoute = {};
      stats.byStatus = {};
      stats.unauthorized = 0;
      stats.trainingsCreated = 0;
      stats.duplicatesRefused = 0;
      stats.faultsInjected = 0;
      stats.faultsByKind = {};
    },
  };
  return stats;
}

export function count(record: Record<string, number>, key: string): void {
  record[key] = (record[key] ?? 0) + 1;
}
