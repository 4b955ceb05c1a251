/**
 * The deploy kit as an operator gets it: the Kubernetes manifests as kustomize renders them, the
 * alert rules as promtool reads them, the Grafana dashboard's queries against the metrics Foyer
 * registers, docker-compose.yml, the image's files, and `npm run secrets` fed to the real config
 * loader the way Docker Compose and Kubernetes would hand it the values.
 *
 * kubectl and promtool are outside tools: where one is missing, its checks are skipped with a
 * warning saying so (.ci/run installs promtool; kubectl comes with the machine).
 */
import { jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parseEnv, promisify } from 'node:util';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { loadConfig } from '@foyer/config';

jest.setTimeout(60_000);

const run = promisify(execFile);
const ROOT = process.cwd();
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/** The executable's path when it is on PATH, else null. */
function onPath(command: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

const kubectl = onPath('kubectl');
const promtool = onPath('promtool');
if (!kubectl) console.warn('deploy-kit: kubectl is not on PATH, so the Kubernetes manifest checks are SKIPPED, not passed');
if (!promtool) {
  console.warn('deploy-kit: promtool is not on PATH (apt-get install prometheus), so the promtool checks are SKIPPED, not passed');
}
const withKubectl = kubectl ? test : test.skip;
const withPromtool = promtool ? test : test.skip;

/** The production secrets that every Foyer process needs (libs/config refuses to start without them). */
const REQUIRED_SECRETS = ['ADMIN_API_KEY', 'TICKET_SECRET', 'TOKEN_PRIVATE_KEY', 'CALLBACK_SIGNING_SECRET'];

// ---------------------------------------------------------------------------------------------
// Metric names Foyer registers, found in its sources (so a metric added anywhere counts).

interface Registered {
  /** Every series name Prometheus stores: histograms as _bucket, _sum and _count. */
  series: Set<string>;
  /** The metric names as registered. */
  names: Set<string>;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((path) => !path.includes(`${join('src', 'generated')}`));
}

function seriesOf(name: string, type: string): string[] {
  if (type === 'histogram') return [`${name}_bucket`, `${name}_sum`, `${name}_count`];
  if (type === 'summary') return [name, `${name}_sum`, `${name}_count`];
  return [name];
}

async function registeredMetrics(): Promise<Registered> {
  const registration = /new\s+(Counter|Gauge|Histogram|Summary)\s*(?:<[^>]*>)?\s*\(\s*\{\s*name:\s*['"`]([a-zA-Z_:][a-zA-Z0-9_:]*)['"`]/g;
  const defaults = /collectDefaultMetrics\(\s*\{[^}]*prefix:\s*['"`]([a-z_]*)['"`]/g;
  const names = new Set<string>();
  const series = new Set<string>();
  const prefixes = new Set<string>();
  for (const file of [...sourceFiles('libs'), ...sourceFiles('apps')]) {
    const text = readFileSync(file, 'utf8');
    for (const [, type, name] of text.matchAll(registration)) {
      names.add(name);
      seriesOf(name, type.toLowerCase()).forEach((s) => series.add(s));
    }
    for (const [, prefix] of text.matchAll(defaults)) prefixes.add(prefix);
  }
  // prom-client's default metrics, named as Foyer's registry names them.
  for (const prefix of prefixes) {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix });
    for (const metric of await registry.getMetricsAsJSON()) {
      names.add(metric.name);
      seriesOf(metric.name, String(metric.type)).forEach((s) => series.add(s));
    }
    registry.clear();
  }
  return { names, series };
}

/** The environment variables libs/config reads: the names it hands its EnvReader (`read.x('NAME'`, `f(read, 'NAME'`). */
function configVariables(): Set<string> {
  const names = new Set<string>();
  for (const file of sourceFiles(join('libs', 'config'))) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:\bread\.\w+\(|\(\s*read\s*,)\s*'([A-Z][A-Z0-9_]*)'/g)) names.add(match[1]);
  }
  return names;
}

const PROMQL_WORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan', 'by', 'without', 'on', 'ignoring']);

/** The metric names a PromQL expression selects (Grafana's $variables allowed). */
function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""') // strings
    .replace(/\$\{?\w+\}?/g, ' ') // Grafana variables
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // ranges and subqueries
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names: string[] = [];
  for (const match of stripped.matchAll(/(?<![\w.:])[a-zA-Z_:][a-zA-Z0-9_:]*(?![\w:])(?!\s*\()/g)) {
    if (!PROMQL_WORDS.has(match[0].toLowerCase())) names.push(match[0]);
  }
  return names;
}

describe('metric names', () => {
  it('are found in the sources: the core ones, the callback ones and the default process metrics', async () => {
    const { names, series } = await registeredMetrics();
    for (const name of ['foyer_queue_waiting', 'foyer_queue_active', 'foyer_journal_lag_seconds', 'foyer_admissions_total', 'foyer_callback_dead']) {
      expect(names).toContain(name);
    }
    expect(series).toContain('foyer_http_request_duration_seconds_bucket');
    expect(series).toContain('foyer_process_start_time_seconds');
    expect(series).toContain('foyer_nodejs_eventloop_lag_p99_seconds');
  });

  it('are read out of PromQL, not its functions, labels, ranges or variables', () => {
    expect(
      metricNamesIn('histogram_quantile(0.99, sum by (le) (rate(foo_bucket{route="/a{b}"}[$__rate_interval]))) > 0.1 and max(bar offset 15m) or vector(0)'),
    ).toEqual(['foo_bucket', 'bar']);
    expect(metricNamesIn('deriv(max(baz)[30m:1m]) > 0 and on (job) up == 0')).toEqual(['baz', 'up']);
  });
});

// ---------------------------------------------------------------------------------------------
// Kubernetes

type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; [key: string]: any };

describe('deploy/kubernetes', () => {
  let objects: K8sObject[] = [];
  const byKind = (kind: string) => objects.filter((o) => o.kind === kind);
  const named = (kind: string, name: string) => {
    const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (!found) throw new Error(`no ${kind} ${name} in the rendered manifests`);
    return found;
  };
  const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
    Object.entries(selector).every(([key, value]) => labels[key] === value);

  beforeAll(async () => {
    if (!kubectl) return;
    const { stdout } = await run(kubectl, ['kustomize', join(ROOT, 'deploy', 'kubernetes')]);
    objects = parseAllDocuments(stdout).map((doc) => doc.toJS() as K8sObject);
  });

  withKubectl('renders an API and a worker Deployment, Services, an HPA, PDBs, a ServiceMonitor and the ConfigMap', () => {
    expect(
      byKind('Deployment')
        .map((d) => d.metadata.name)
        .sort(),
    ).toEqual(['foyer-api', 'foyer-worker']);
    expect(byKind('Service').length).toBeGreaterThanOrEqual(1);
    expect(byKind('HorizontalPodAutoscaler')).toHaveLength(1);
    expect(byKind('PodDisruptionBudget').length).toBeGreaterThanOrEqual(1);
    expect(byKind('ServiceMonitor')).toHaveLength(1);
    expect(byKind('ConfigMap')).toHaveLength(1);
    const hpa = byKind('HorizontalPodAutoscaler')[0];
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'foyer-api' });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    // The HPA owns the API's replica count; a fixed one would be reset on every apply.
    expect(named('Deployment', 'foyer-api').spec.replicas).toBeUndefined();
  });

  withKubectl('runs one image for both roles, each with its FOYER_ROLES and entry point', () => {
    const containers = byKind('Deployment').map((d) => d.spec.template.spec.containers as any[]);
    containers.forEach((list) => expect(list).toHaveLength(1));
    const images = new Set(containers.map((list) => list[0].image));
    expect(images.size).toBe(1);
    const roles = (name: string) => (named('Deployment', name).spec.template.spec.containers[0].env as any[]).find((e) => e.name === 'FOYER_ROLES')?.value;
    expect(roles('foyer-api')).toBe('api');
    expect(roles('foyer-worker')).toBe('scheduler,dispatcher');
    const worker = named('Deployment', 'foyer-worker').spec.template.spec.containers[0];
    expect(worker.command).toEqual(['node', 'dist/apps/worker/src/main.js']);
    expect(existsSync(join(ROOT, 'apps', 'worker', 'src', 'main.ts'))).toBe(true);
  });

  withKubectl('probes /health/live and /health/ready on the container port, and sets requests and a memory limit', () => {
    for (const deployment of byKind('Deployment')) {
      const container = deployment.spec.template.spec.containers[0];
      const portNames = (container.ports as any[]).map((p) => p.name);
      expect(container.livenessProbe.httpGet.path).toBe('/health/live');
      expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
      expect(portNames).toContain(container.livenessProbe.httpGet.port);
      expect(portNames).toContain(container.readinessProbe.httpGet.port);
      expect(container.resources.requests.cpu).toBeDefined();
      expect(container.resources.requests.memory).toBeDefined();
      expect(container.resources.limits.memory).toBeDefined();
    }
  });

  withKubectl('runs as a non-root user on a read-only root file system, without privilege escalation', () => {
    for (const deployment of byKind('Deployment')) {
      const pod = deployment.spec.template.spec;
      const container = pod.containers[0];
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
      expect(container.securityContext.capabilities.drop).toEqual(['ALL']);
    }
  });

  withKubectl('takes every secret by reference, and holds no Secret nor any secret value', () => {
    expect(byKind('Secret')).toEqual([]);
    const configMap = byKind('ConfigMap')[0];
    for (const deployment of byKind('Deployment')) {
      const container = deployment.spec.template.spec.containers[0];
      const env = container.env as any[];
      for (const name of [...REQUIRED_SECRETS, 'REDIS_URL', 'DATABASE_URL']) {
        const entry = env.find((e) => e.name === name);
        expect({ name, ref: entry?.valueFrom?.secretKeyRef?.key }).toEqual({ name, ref: name });
        expect(entry.value).toBeUndefined();
      }
      expect(env.find((e) => e.name === 'ENTRY_TOKEN_SECRET')?.valueFrom?.secretKeyRef?.optional).toBe(true);
      // The ConfigMap it reads is the generated one (with its hash suffix).
      expect(container.envFrom).toEqual([{ configMapRef: { name: configMap.metadata.name } }]);
    }
    for (const name of [...REQUIRED_SECRETS, 'ENTRY_TOKEN_SECRET', 'REDIS_URL', 'DATABASE_URL']) {
      expect(Object.keys(configMap.data)).not.toContain(name);
    }
  });

  withKubectl('wires selectors: Services and PDBs select the pods, the ServiceMonitor scrapes /metrics on a named port', () => {
    const podLabels = byKind('Deployment').map((d) => d.spec.template.metadata.labels as Record<string, string>);
    for (const deployment of byKind('Deployment')) {
      expect(matches(deployment.spec.selector.matchLabels, deployment.spec.template.metadata.labels)).toBe(true);
    }
    for (const selecting of [...byKind('Service').map((s) => s.spec.selector), ...byKind('PodDisruptionBudget').map((p) => p.spec.selector.matchLabels)]) {
      expect(podLabels.filter((labels) => matches(selecting, labels))).toHaveLength(1);
    }
    const monitor = byKind('ServiceMonitor')[0];
    expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
    const scraped = byKind('Service').filter((s) => matches(monitor.spec.selector.matchLabels, s.metadata.labels));
    // Both roles are scraped: the scheduler's and the dispatcher's counters live on the workers.
    expect(scraped.map((s) => s.metadata.name).sort()).toEqual(['foyer-api', 'foyer-worker']);
    for (const endpoint of monitor.spec.endpoints) {
      expect(endpoint.path).toBe('/metrics');
      for (const service of scraped) expect((service.spec.ports as any[]).map((p) => p.name)).toContain(endpoint.port);
    }
  });

  withKubectl('configures only variables Foyer reads, and loadConfig accepts the settings with the Secrets it refers to', async () => {
    const configMap = byKind('ConfigMap')[0];
    const readByConfig = configVariables();
    expect(readByConfig).toContain('TOKEN_PUBLIC_KEYS'); // found through readPem(read, …)
    const { stdout } = await run(process.execPath, [join(ROOT, 'scripts', 'secrets.mjs'), '--kubernetes']);
    const secret = parseYaml(stdout) as K8sObject;
    expect(secret).toMatchObject({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'foyer-secrets' } });
    for (const deployment of byKind('Deployment')) {
      const container = deployment.spec.template.spec.containers[0];
      const env: Record<string, string> = { ...configMap.data };
      for (const entry of container.env as any[]) {
        const ref = entry.valueFrom?.secretKeyRef;
        if (ref?.name === 'foyer-secrets') {
          if (secret.stringData[ref.key] !== undefined) env[entry.name] = secret.stringData[ref.key];
          else expect(ref.optional).toBe(true);
        } else if (ref?.name === 'foyer-stores') {
          env[entry.name] = { REDIS_URL: 'redis://:pw@redis:6379/0', DATABASE_URL: 'postgresql://foyer:pw@postgres:5432/foyer' }[ref.key as string]!;
        } else {
          expect(ref).toBeUndefined();
          env[entry.name] = entry.value;
        }
      }
      const config = loadConfig(env);
      expect(config.production).toBe(true);
      expect(config.tokenPrivateKeyPem).toBe(secret.stringData.TOKEN_PRIVATE_KEY.trim());
      expect(Object.keys(env).filter((name) => !readByConfig.has(name))).toEqual([]);
      expect([...config.roles].join(',')).toBe(deployment.metadata.name === 'foyer-api' ? 'api' : 'scheduler,dispatcher');
      expect(config.port).toBe(container.ports[0].containerPort);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Prometheus and Grafana

describe('deploy/prometheus', () => {
  const alerts = parseYaml(read('deploy/prometheus/alerts.yml')) as { groups: { name: string; rules: { alert?: string; expr: string }[] }[] };

  withPromtool('promtool check rules accepts alerts.yml', async () => {
    const { stdout } = await run(promtool!, ['check', 'rules', join(ROOT, 'deploy', 'prometheus', 'alerts.yml')]);
    expect(stdout).toMatch(/SUCCESS: \d+ rules found/);
  });

  withPromtool('the alerts fire on the synthetic series of alerts.test.yml (promtool test rules)', async () => {
    const { stdout } = await run(promtool!, ['test', 'rules', 'alerts.test.yml'], { cwd: join(ROOT, 'deploy', 'prometheus') });
    expect(stdout).toContain('SUCCESS');
  });

  withPromtool('the example scrape configuration is valid and names the jobs the alerts expect', async () => {
    const { stdout } = await run(promtool!, ['check', 'config', 'prometheus.yml'], { cwd: join(ROOT, 'deploy', 'prometheus') });
    expect(stdout).toContain('SUCCESS');
    const jobs = (parseYaml(read('deploy/prometheus/prometheus.yml')).scrape_configs as { job_name: string }[]).map((j) => j.job_name);
    expect(jobs.sort()).toEqual(['foyer-api', 'foyer-worker']);
  });

  it('covers what an operator must hear about', () => {
    const names = alerts.groups.flatMap((g) => g.rules.map((r) => r.alert));
    for (const name of [
      'FoyerApiDown',
      'FoyerWorkerDown',
      'FoyerNotReady',
      'FoyerHigh503Rate',
      'FoyerPollLatencyHigh',
      'FoyerCallbackDeadLettersGrowing',
      'FoyerCallbackBacklogGrowing',
    ]) {
      expect(names).toContain(name);
    }
  });

  it("selects only metrics Foyer registers, Prometheus's up, and redis_exporter's in the Redis group", async () => {
    const { series } = await registeredMetrics();
    const unknown: string[] = [];
    for (const group of alerts.groups) {
      for (const rule of group.rules) {
        for (const name of metricNamesIn(rule.expr)) {
          const allowed = series.has(name) || name === 'up' || (group.name === 'foyer-redis' && name.startsWith('redis_'));
          if (!allowed) unknown.push(`${rule.alert}: ${name}`);
        }
      }
    }
    expect(unknown).toEqual([]);
  });
});

describe('deploy/grafana/foyer.json', () => {
  const dashboard = JSON.parse(read('deploy/grafana/foyer.json'));
  const targets = (dashboard.panels as any[]).flatMap((panel) =>
    (panel.targets ?? []).map((t: any) => ({ panel: panel.title as string, expr: t.expr as string })),
  );

  it('is a dashboard with the panels an operator looks for', () => {
    expect(dashboard.uid).toBe('foyer');
    const exprs = targets.map((t) => t.expr).join('\n');
    for (const needed of [
      'foyer_queue_waiting',
      'foyer_queue_active',
      'foyer_admissions_total',
      'kind="abandoned"',
      'route="/v1/queue/status"',
      'route="/v1/queue/enter"',
      'status="503"',
      'foyer_callback_backlog',
      'foyer_callback_dead',
      'foyer_journal_lag_seconds',
    ]) {
      expect(exprs).toContain(needed);
    }
    // Every query asks the data source the dashboard's variable names.
    for (const panel of dashboard.panels as any[]) {
      if (panel.type !== 'row') expect(panel.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
    }
  });

  it('queries only metrics Foyer registers (and up)', async () => {
    const { series } = await registeredMetrics();
    const used = targets.flatMap((t) => metricNamesIn(t.expr).map((name) => ({ panel: t.panel, name })));
    for (const variable of dashboard.templating.list as any[]) {
      const query = typeof variable.query === 'string' ? variable.query : variable.query?.query;
      const labelValues = /label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,/.exec(query ?? '');
      if (labelValues) used.push({ panel: `$${variable.name}`, name: labelValues[1] });
    }
    expect(used.length).toBeGreaterThan(20);
    expect(used.filter((u) => !series.has(u.name) && u.name !== 'up')).toEqual([]);
  });

  withPromtool('has queries that are valid PromQL (checked by promtool as recording rules)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'foyer-dashboard-'));
    try {
      const rules = targets.map((t, i) => ({
        record: `dashboard:query_${i}`,
        expr: t.expr.replaceAll('$__rate_interval', '1m').replaceAll('$event', '.*'),
      }));
      writeFileSync(join(dir, 'rules.json'), JSON.stringify({ groups: [{ name: 'dashboard', rules }] }));
      const { stdout } = await run(promtool!, ['check', 'rules', join(dir, 'rules.json')]);
      expect(stdout).toContain(`SUCCESS: ${rules.length} rules found`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Docker Compose, the image, and `npm run secrets`

/** What `docker compose` does to `${…}` in docker-compose.yml: ${X}, ${X:-default}, ${X-default}, ${X:?message}, ${X?message}, $$. */
function interpolate(value: string, vars: Record<string, string | undefined>): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])((?:[^{}]|\{[^{}]*\})*))?\}/g, (whole, name, colon, op, arg) => {
    if (whole === '$$') return '$';
    const set = vars[name] !== undefined && (colon !== ':' || vars[name] !== '');
    if (set) return vars[name]!;
    if (op === '?') throw new Error(`${name}: ${arg}`);
    return op === '-' ? interpolate(arg ?? '', vars) : '';
  });
}

/** A .env as `npm run secrets` writes it: comments, blank lines, and NAME='value' with a literal value. */
function parseSingleQuotedEnv(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([A-Z][A-Z0-9_]*)='([^'\n]*)'$/.exec(line);
    if (!match) throw new Error(`not a single-quoted NAME='value' line: ${line.slice(0, 40)}`);
    values[match[1]] = match[2]!;
  }
  return values;
}

describe('docker-compose.yml', () => {
  const compose = parseYaml(read('docker-compose.yml'), { merge: true }) as { services: Record<string, any> };
  const services = compose.services;
  const foyerServices = Object.entries(services).filter(([, s]) => s.environment?.FOYER_ROLES !== undefined);

  it('parses, and builds the Foyer image once for every Foyer service', () => {
    expect(Object.keys(services).sort()).toEqual(['api-1', 'api-2', 'lb', 'postgres', 'redis', 'worker']);
    expect(foyerServices.map(([name]) => name).sort()).toEqual(['api-1', 'api-2', 'worker']);
    const building = Object.entries(services).filter(([, s]) => s.build !== undefined);
    expect(building).toHaveLength(1);
    for (const [, service] of foyerServices) expect(service.image).toBe(building[0][1].image);
    expect(services.worker.command).toEqual(['node', 'dist/apps/worker/src/main.js']);
  });

  it('writes no password or secret: every one comes from a variable', () => {
    const literal: string[] = [];
    const visit = (value: unknown, path: string): void => {
      if (Array.isArray(value)) value.forEach((item, i) => visit(item, `${path}[${i}]`));
      else if (value && typeof value === 'object') Object.entries(value).forEach(([key, item]) => visit(item, `${path}.${key}`));
      else if (typeof value === 'string' || typeof value === 'number') {
        const text = String(value);
        const secretKey = /(PASSWORD|SECRET|_KEY|_AUTH)$/.test(path.split('.').pop()!);
        if (secretKey && !/^\$\{[A-Z_]+(?::?[-?][^}]*)?\}$/.test(text)) literal.push(`${path}: ${text}`);
        const credentials = /:\/\/[^/@\s]*:([^@/\s]*)@/.exec(text);
        if (credentials && !credentials[1].startsWith('${')) literal.push(`${path}: ${text}`);
      }
    };
    visit(compose, 'compose');
    const redisCommand = services.redis.command as string[];
    const requirepass = redisCommand[redisCommand.indexOf('--requirepass') + 1];
    expect(requirepass).toMatch(/^\$\{REDIS_PASSWORD/);
    expect(literal).toEqual([]);
  });

  it('runs Redis with a password, AOF and noeviction, and hands the password to Foyer', () => {
    const command = (services.redis.command as string[]).join(' ');
    expect(command).toContain('--maxmemory-policy noeviction');
    expect(command).toContain('--appendonly yes');
    for (const [, service] of foyerServices) expect(service.environment.REDIS_URL).toMatch(/^redis:\/\/:\$\{REDIS_PASSWORD[^}]*\}@redis:6379/);
  });

  it('starts the load balancer only once replicas are healthy, and health-checks it', () => {
    for (const [name, dependency] of Object.entries(services.lb.depends_on as Record<string, any>)) {
      expect({ name, condition: dependency.condition }).toEqual({ name, condition: 'service_healthy' });
      expect(services[name].healthcheck).toBeDefined();
    }
    expect(Object.keys(services.lb.depends_on).sort()).toEqual(['api-1', 'api-2']);
    expect(services.lb.healthcheck.test).toBeDefined();
    expect(read('deploy/nginx.conf')).toMatch(/location = \/lb-health/);
  });

  it('limits every container', () => {
    for (const [name, service] of Object.entries(services)) {
      expect({ name, memory: service.deploy?.resources?.limits?.memory ?? null }).toEqual({ name, memory: expect.any(String) });
    }
  });
});

describe('the image', () => {
  it('builds on the active LTS, runs as a numeric non-root user, starts the API by default', () => {
    const dockerfile = read('Dockerfile');
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24-bookworm-slim$/m);
    expect(dockerfile).toMatch(/^USER [1-9]\d*(:\d+)?$/m);
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/apps\/api\/src\/main\.js"\]$/m);
    expect(existsSync(join(ROOT, 'apps', 'api', 'src', 'main.ts'))).toBe(true);
  });

  it('leaves build outputs, dependencies, local data and secrets out of the build context', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim());
    for (const entry of ['**/node_modules', '**/dist', '**/.data', '**/.tmp', '**/coverage', '.git', '.env']) expect(ignored).toContain(entry);
  });

  it('states the supported Node range', () => {
    expect(JSON.parse(read('package.json')).engines.node).toBe('>=20.19');
  });
});

describe('npm run secrets', () => {
  let dotenv: string;
  let values: Record<string, string>;

  beforeAll(async () => {
    expect(JSON.parse(read('package.json')).scripts.secrets).toBe('node scripts/secrets.mjs');
    ({ stdout: dotenv } = await run(process.execPath, [join(ROOT, 'scripts', 'secrets.mjs')]));
    values = parseSingleQuotedEnv(dotenv);
  });

  it('prints every secret the deployment needs, one single-quoted line each', () => {
    expect(Object.keys(values).sort()).toEqual([...REQUIRED_SECRETS, 'ENTRY_TOKEN_SECRET', 'POSTGRES_PASSWORD', 'REDIS_PASSWORD'].sort());
    // Node's own .env reader (node --env-file) reads the same values.
    expect(parseEnv(dotenv)).toEqual(values);
    expect(values.CALLBACK_SIGNING_SECRET).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}$/);
    expect(values.TOKEN_PRIVATE_KEY).toMatch(/^-----BEGIN PRIVATE KEY-----\\n.*\\n-----END PRIVATE KEY-----$/);
  });

  it('makes new values each time', async () => {
    const again = parseSingleQuotedEnv((await run(process.execPath, [join(ROOT, 'scripts', 'secrets.mjs')])).stdout);
    for (const name of Object.keys(values)) expect({ name, same: again[name] === values[name] }).toEqual({ name, same: false });
  });

  it('is accepted by loadConfig in production, with the passwords in the store URLs', () => {
    const config = loadConfig({
      ...values,
      NODE_ENV: 'production',
      REDIS_URL: `redis://:${values.REDIS_PASSWORD}@127.0.0.1:6379/0`,
      DATABASE_URL: `postgresql://foyer:${values.POSTGRES_PASSWORD}@127.0.0.1:5432/foyer`,
    });
    expect(config.production).toBe(true);
    expect(config.adminApiKeyGenerated).toBe(false);
    expect(config.adminApiKey).toBe(values.ADMIN_API_KEY);
    expect(config.tokenPrivateKeyPem).toBe(values.TOKEN_PRIVATE_KEY.replace(/\\n/g, '\n'));
    expect(config.callbacks.signingSecret).toBe(values.CALLBACK_SIGNING_SECRET);
    expect(config.entryTokenSecret).toBe(values.ENTRY_TOKEN_SECRET);
    // The passwords need no escaping in a URL.
    expect(new URL(config.redis.url!).password).toBe(values.REDIS_PASSWORD);
    expect(new URL(config.databaseUrl!).password).toBe(values.POSTGRES_PASSWORD);
  });

  it('gives, through docker-compose.yml as Compose interpolates it, an environment every Foyer service starts with', () => {
    const compose = parseYaml(read('docker-compose.yml'), { merge: true }) as { services: Record<string, any> };
    for (const [name, service] of Object.entries(compose.services)) {
      if (service.environment?.FOYER_ROLES === undefined) continue;
      const env = Object.fromEntries(
        Object.entries(service.environment as Record<string, string | number>).map(([key, value]) => [key, interpolate(String(value), values)]),
      );
      const config = loadConfig(env);
      expect({ name, production: config.production }).toEqual({ name, production: true });
      expect(config.redis.url).toBe(`redis://:${values.REDIS_PASSWORD}@redis:6379/0`);
      expect(config.tokenPrivateKeyPem).toContain('\n-----END PRIVATE KEY-----');
      expect(config.trustProxyHops).toBe(1);
    }
    // Without the .env, compose refuses to start and says what to do.
    expect(() => interpolate(compose.services['api-1'].environment.ADMIN_API_KEY, {})).toThrow(/npm run secrets/);
  });
});
