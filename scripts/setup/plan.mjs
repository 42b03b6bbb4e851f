// The set-up's decisions, with no side effects: given what the machine has (an injected Machine) and
// which needs a target wants, say which are met, what to install (Debian packages, project-local
// fetches) and, when this machine cannot do it itself, the one message that tells a person what to do.
// steps.mjs carries a plan out; probe.mjs measures the real machine; the unit tests inject fakes.
import { NEEDS } from './needs.mjs';

/**
 * @typedef {object} Machine
 * @property {boolean} isRoot
 * @property {boolean} hasApt                 apt-get and dpkg-query are there (Debian, Ubuntu)
 * @property {(command: string) => boolean} has
 * @property {(packages: string[]) => Set<string>} installed   which of these Debian packages are installed
 * @property {(kind: 'hazelcast'|'workbench') => boolean} fetched
 */

/** Why a need is not met on this machine, or null when it is. */
export function unmetReasons(need, m) {
  const commands = need.commands.filter((c) => !m.has(c));
  const fetch = need.fetch && !m.fetched(need.fetch) ? need.fetch : null;
  const root = Boolean(need.root) && !m.isRoot;
  return commands.length || fetch || root ? { commands, fetch, root } : null;
}

/** The names of the needs this machine meets now. */
export function metNeeds(names, m) {
  return names.filter((n) => unmetReasons(NEEDS[n], m) === null);
}

/**
 * @param {string[]} names  needs to set up (see TARGETS in needs.mjs)
 * @param {Machine} m
 * @param {{ sudo: string }} o  the one command a person without root runs instead (e.g. "sudo npm start")
 */
export function planSetup(names, m, o) {
  const met = [];
  const unmet = [];
  const wanted = [];
  const fetch = [];
  let needsRoot = false;
  for (const name of names) {
    const need = NEEDS[name];
    const why = unmetReasons(need, m);
    if (!why) {
      met.push(name);
      continue;
    }
    unmet.push({ name, ...why });
    if (why.commands.length) wanted.push(...need.packages);
    if (why.fetch) {
      fetch.push(why.fetch);
      wanted.push(...(need.buildPackages ?? []));
    }
    if (why.root) needsRoot = true;
  }
  const unique = [...new Set(wanted)];
  const present = unique.length && m.hasApt ? m.installed(unique) : new Set();
  const apt = unique.filter((p) => !present.has(p));
  // A command is missing although its packages are installed: apt cannot help, say so.
  const broken = unmet.filter((u) => u.commands.length && NEEDS[u.name].packages.every((p) => present.has(p)));

  let blocked = null;
  if (apt.length && !m.hasApt) {
    blocked = { reason: 'no-apt', message: noAptMessage(unmet) };
  } else if ((apt.length || needsRoot) && !m.isRoot) {
    blocked = { reason: 'no-root', message: noRootMessage(apt, needsRoot, o.sudo) };
  } else if (broken.length) {
    blocked = {
      reason: 'broken',
      message:
        broken
          .map(
            (u) =>
              `${u.commands.join(', ')} not found although ${NEEDS[u.name].packages.join(', ')} ${NEEDS[u.name].packages.length > 1 ? 'are' : 'is'} installed: check PATH`,
          )
          .join('\n') + '\n',
    };
  }
  // When blocked, still fetch what needs nothing from apt (the jar, the .e2e tooling need no root).
  const fetchable = blocked
    ? unmet
        .filter((u) => u.fetch && !u.commands.length && (NEEDS[u.name].buildPackages ?? []).every((p) => !apt.includes(p)))
        .map((u) => u.fetch)
    : fetch;
  return { met, unmet: unmet.map((u) => u.name), apt, fetch: fetchable, blocked };
}

function noAptMessage(unmet) {
  const lines = unmet.map((u) => {
    const need = NEEDS[u.name];
    const parts = [];
    if (u.commands.length) parts.push(`commands ${u.commands.join(', ')} (Debian: ${need.packages.join(' ')})`);
    if (u.root) parts.push('run as root');
    return `  - ${need.what}${parts.length ? ': ' + parts.join('; ') : ''}`;
  });
  return (
    'This machine has no apt-get, so set-up cannot install the system parts itself. Install these by hand:\n' +
    lines.join('\n') +
    '\nThen run the same command again. Tests that need none of them still run.\n'
  );
}

function noRootMessage(apt, needsRoot, sudo) {
  const why = [];
  if (apt.length) why.push(`installing Debian packages (${apt.join(' ')})`);
  if (needsRoot) why.push('network namespaces and Open vSwitch bridges');
  return `This needs root for ${why.join(' and ')}. Run:\n\n  ${sudo}\n\n`;
}
