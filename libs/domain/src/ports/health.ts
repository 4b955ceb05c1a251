/** A store or database as readiness sees it: it answers a ping while it can serve. */
export interface HealthCheck {
  ping(): Promise<void>;
}

/** What a process needs to be ready, by the name the readiness answer gives each. */
export interface ReadinessChecks {
  queueStore: HealthCheck;
  database: HealthCheck;
}
