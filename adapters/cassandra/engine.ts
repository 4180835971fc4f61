import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { faultlineCache, findOnPath } from '../../core/tools.ts';

const run = promisify(execFile);

/** The Apache Cassandra server faultline runs: the `cassandra-all` jar and its dependencies from Maven Central. */
export const CASSANDRA_VERSION = '5.0.6';

/** Where `npm run setup cassandra` puts the jars: a cache outside the repository (no jar is committed). */
export function cassandraHome(): string {
  return join(faultlineCache(), `cassandra-${CASSANDRA_VERSION}`);
}

export function cassandraLib(): string {
  return join(cassandraHome(), 'lib');
}

/** The jamm agent Cassandra measures memory with (required on Java 17). */
export function jammJar(): string | undefined {
  const lib = cassandraLib();
  if (!existsSync(lib)) return undefined;
  const jar = readdirSync(lib).find((f) => /^jamm-.*\.jar$/.test(f));
  return jar ? join(lib, jar) : undefined;
}

export function javaBinary(): string | undefined {
  const home = process.env.JAVA_HOME;
  if (home && existsSync(join(home, 'bin', 'java'))) return join(home, 'bin', 'java');
  return findOnPath('java', ['/usr/lib/jvm/java-17-openjdk-amd64/bin']);
}

let javaMajor: number | undefined;

/** The major version of `java` (11, 17, 21...). */
export function javaVersion(): number | undefined {
  const java = javaBinary();
  if (!java) return undefined;
  if (javaMajor === undefined) {
    // `java -version` prints on standard error.
    const { stderr } = spawnSync(java, ['-version'], { encoding: 'utf8' });
    javaMajor = Number(/version "(\d+)/.exec(stderr ?? '')?.[1]);
  }
  return javaMajor || undefined;
}

/**
 * Why the Cassandra row cannot run here, or undefined. Its jars are needed
 * on both providers (the docker provider mounts them); Java on this
 * machine only by the local one (the image has its own).
 */
export function cassandraBlocker(provider: 'local' | 'docker' = 'local'): string | undefined {
  const version = provider === 'local' ? javaVersion() : 17;
  if (!version) return 'needs Java 17 (apt-get install openjdk-17-jre-headless)';
  if (version !== 17 && version !== 11)
    return `needs Java 11 or 17 (Cassandra ${CASSANDRA_VERSION} runs on no other); found ${version}: set JAVA_HOME`;
  if (!existsSync(join(cassandraLib(), `cassandra-all-${CASSANDRA_VERSION}.jar`)) || !jammJar())
    return `needs the Cassandra ${CASSANDRA_VERSION} jars (npm run setup cassandra: Maven fetches them into ${cassandraLib()})`;
  return undefined;
}

/**
 * Fetches `cassandra-all` and its runtime dependencies with Maven
 * (dependency:copy-dependencies of a one-dependency pom) into the cache.
 */
export async function installCassandra(): Promise<string> {
  if (existsSync(join(cassandraLib(), `cassandra-all-${CASSANDRA_VERSION}.jar`)))
    return `Cassandra ${CASSANDRA_VERSION} jars in ${cassandraLib()}`;
  const mvn = findOnPath('mvn');
  if (!mvn) throw new Error('cassandra: needs Maven to fetch the server (apt-get install maven)');
  const home = cassandraHome();
  mkdirSync(home, { recursive: true });
  writeFileSync(
    join(home, 'pom.xml'),
    `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>faultline</groupId>
  <artifactId>cassandra-engine</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.cassandra</groupId>
      <artifactId>cassandra-all</artifactId>
      <version>${CASSANDRA_VERSION}</version>
    </dependency>
  </dependencies>
</project>
`,
  );
  await run(
    mvn,
    ['-q', '-B', 'dependency:copy-dependencies', `-DoutputDirectory=${cassandraLib()}`],
    {
      cwd: home,
      timeout: 600_000,
    },
  );
  return `Cassandra ${CASSANDRA_VERSION} jars in ${cassandraLib()}`;
}
