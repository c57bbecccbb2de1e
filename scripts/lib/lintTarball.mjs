// publint and "are the types wrong" over a packed tarball, in this process: both read the exact
// bytes users download, and loading TypeScript once for every package (instead of one `attw`
// process per package, ~2 s each) keeps CI fast. Same rules as the CLIs:
// `publint --strict` and `attw --pack --profile esm-only` (`node16` for a package that ships a
// `require` entry, which must then also work from CommonJS).
import { checkPackage, createPackageFromTarballData } from '@arethetypeswrong/core';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

/** The resolutions each attw profile leaves out (the CLI's profiles.js). */
const ignoredResolutions = {
  'esm-only': ['node10', 'node16-cjs'],
  node16: ['node10'],
};

/** Whether an `exports` map offers a `require` condition anywhere (a CommonJS entry). */
export function shipsCommonJs(manifest) {
  const visit = (value) =>
    value !== null &&
    typeof value === 'object' &&
    Object.entries(value).some(([key, inner]) => key === 'require' || visit(inner));
  return visit(manifest.exports);
}

/**
 * Lints one tarball; resolves to a list of problems (empty when it passes), each a line that
 * says which tool found what and how to see it in full.
 */
export async function lintTarball(pkg, tarballPath, bytes) {
  const problems = [];
  const { messages, pkg: packed } = await publint({
    pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) },
    strict: true,
  });
  for (const message of messages) {
    if (message.type === 'suggestion') continue;
    problems.push(`publint ${message.type}: ${formatMessage(message, packed, { color: false })}`);
  }
  const profile = shipsCommonJs(pkg.manifest) ? 'node16' : 'esm-only';
  const analysis = await checkPackage(createPackageFromTarballData(bytes));
  if (!analysis.types) problems.push('attw: the package ships no types');
  for (const problem of analysis.types ? analysis.problems : []) {
    if ('resolutionKind' in problem && ignoredResolutions[profile].includes(problem.resolutionKind))
      continue;
    const where = [problem.entrypoint, problem.resolutionKind].filter(Boolean).join(', ');
    problems.push(
      `attw (${profile}): ${problem.kind}${where ? ` (${where})` : ''}; ` +
        `see \`pnpm exec attw ${tarballPath} --profile ${profile}\``,
    );
  }
  return { profile, problems };
}
