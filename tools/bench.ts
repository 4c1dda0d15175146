// `npm run bench [-- --runs <n>] [--dir <checkout>] [--no-suite] [--file <test file>]`: how long the
// offline plan takes next to a bare load of the SDKs the program imports, and how long the tests take.
// Not a test: the figures depend on the machine, so it prints them with the machine's description.
// --dir measures another checkout (a fresh clone, or an older commit to compare with) the same way.
// Each figure is the median of several runs, the commands interleaved so that a burst of load elsewhere
// hits them alike. Peak memory is the sum over a command's processes of each one's peak RSS (VmHWM), CPU
// their user and system time. npm test runs twice, as a fresh clone runs it (its transpile cache removed)
// and transpiled, each against the suite's target (SUITE_TARGET_SECONDS), with the load average: the
// performance targets live here, never in a timed test.
import { exitAfterFlush, HelpRequested, userPath } from "./cli";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

interface Sample {
    readonly seconds: number;
    readonly peakMiB: number;
    /** User and system CPU seconds of the command's processes (less sensitive to other work on the machine than its wall time). */
    readonly cpuSeconds: number;
    readonly code: number | null;
}

/** What `npm test` must take from a fresh clone on a machine of two cores (DEVELOPERS.md). */
export const SUITE_TARGET_SECONDS = 30;

interface Args {
    readonly runs: number;
    readonly dir: string;
    readonly suite: boolean;
    readonly file: string;
}

const USAGE = "usage: npm run bench -- [--runs <n>] [--dir <checkout>] [--no-suite] [--file <test file>]";

export function parseArgs(argv: readonly string[]): Args {
    let runs = 7;
    let dir = path.resolve(__dirname, "..");
    let suite = true;
    let file = "test/stacks/stacks.test.ts";
    for (let i = 0; i < argv.length; i++) {
        const value = () => argv[++i] ?? "";
        if (argv[i] === "--runs") {
            runs = Number(value());
        } else if (argv[i] === "--dir") {
            dir = userPath(value());
        } else if (argv[i] === "--no-suite") {
            suite = false;
        } else if (argv[i] === "--file") {
            file = value();
        } else if (argv[i] === "--help" || argv[i] === "-h") {
            throw new HelpRequested(USAGE);
        } else {
            throw new Error(`unknown argument "${argv[i]}"; ${USAGE}`);
        }
    }
    if (!Number.isInteger(runs) || runs < 1) {
        throw new Error(`--runs takes a positive whole number; ${USAGE}`);
    }
    return { runs, dir, suite, file };
}

/** Removes what a fresh clone after `npm ci` has not: the transpiled files and the checks' caches. Returns their names. */
export function clearCaches(dir: string): string[] {
    const caches = path.join(dir, "node_modules", ".cache");
    const ours = fs.existsSync(caches) ? fs.readdirSync(caches).filter((c) => c.startsWith("membrane-")) : [];
    for (const cache of ours) {
        fs.rmSync(path.join(caches, cache), { recursive: true, force: true });
    }
    return ours.sort();
}

/** The SDK packages the program imports (index.ts and components/), by package name. */
export function programSdks(dir: string): string[] {
    const files = ["index.ts", ...fs.readdirSync(path.join(dir, "components")).map((f) => path.join("components", f))];
    const sdks = new Set<string>();
    for (const f of files.filter((f) => f.endsWith(".ts"))) {
        for (const m of fs.readFileSync(path.join(dir, f), "utf8").matchAll(/(?:from |require\()"(@pulumi\/[^/"]+)/g)) {
            sdks.add(m[1]);
        }
    }
    return [...sdks].sort();
}

/**
 * What `npm start -- --stack <stack>` runs in `dir`, with this Node.js (npm puts the `node` dev dependency
 * first in PATH) and the script's Node.js options, on the fixture stacks: the same main(), given their folder.
 */
export function planCommand(dir: string, stack: string): { nodeOptions: string[]; argv: string[] } {
    const script: string = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).scripts.start;
    const [bin, ...nodeOptions] = script.split(/\s+/);
    const entry = nodeOptions.pop();
    if (bin !== "node" || !entry?.endsWith(".ts")) {
        throw new Error(`npm start runs "${script}"; the bench expects "node [options] <file>.ts"`);
    }
    const fixtures = path.join(dir, "test", "fixtures");
    const main = `require(${JSON.stringify(`./${entry}`)}).main(${JSON.stringify(["--stack", stack])}, console.log, console.error, ${JSON.stringify(fixtures)})`;
    return { nodeOptions, argv: [process.execPath, ...nodeOptions, "-e", `${main}.then((code) => process.exit(code))`] };
}

function readKiB(file: string, field: string): number {
    try {
        const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(fs.readFileSync(file, "utf8"));
        return m ? Number(m[1]) : 0;
    } catch {
        return 0; // the process has exited
    }
}

// Linux's USER_HZ, in which /proc/<pid>/stat counts CPU time (100 on every architecture Node.js runs on).
const CLOCK_TICKS = 100;

/** User plus system CPU ticks of a process so far; 0 once it has exited (the last poll before holds its figure). */
function readCpuTicks(pid: number): number {
    try {
        // The fields after the command's name, which is in parentheses and may hold spaces: utime and stime are the 12th and 13th.
        const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ").pop()!.split(" ");
        return Number(fields[11]) + Number(fields[12]);
    } catch {
        return 0;
    }
}

function childrenOf(pid: number): number[] {
    try {
        // libuv spawns from the main thread, whose task id is the pid.
        return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").split(" ").filter(Boolean).map(Number);
    } catch {
        return [];
    }
}

/** Runs a command to its end: wall time, and the sum over its process tree of each process's peak RSS. */
export function measure(argv: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<Sample> {
    return new Promise((resolve, reject) => {
        const start = process.hrtime.bigint();
        const child = spawn(argv[0], argv.slice(1), { cwd, env, stdio: "ignore" });
        const peaks = new Map<number, number>();
        const ticks = new Map<number, number>();
        const poll = () => {
            const pending = child.pid === undefined ? [] : [child.pid];
            while (pending.length > 0) {
                const pid = pending.pop()!;
                peaks.set(pid, Math.max(peaks.get(pid) ?? 0, readKiB(`/proc/${pid}/status`, "VmHWM")));
                ticks.set(pid, Math.max(ticks.get(pid) ?? 0, readCpuTicks(pid)));
                pending.push(...childrenOf(pid));
            }
        };
        const timer = setInterval(poll, 10);
        child.once("error", (e) => {
            clearInterval(timer);
            reject(e);
        });
        child.once("exit", (code) => {
            const seconds = Number(process.hrtime.bigint() - start) / 1e9;
            clearInterval(timer);
            const peakKiB = [...peaks.values()].reduce((a, b) => a + b, 0);
            const cpuSeconds = [...ticks.values()].reduce((a, b) => a + b, 0) / CLOCK_TICKS;
            resolve({ seconds, peakMiB: peakKiB / 1024, cpuSeconds, code });
        });
    });
}

export function median(xs: readonly number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const loadAverage = () =>
    os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" ");

function machine(): string {
    const model = os.cpus()[0]?.model.trim() ?? "unknown CPU";
    const load = loadAverage();
    const memory = `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`;
    return `${os.availableParallelism()} CPUs (${model}), ${memory}, ${os.type()} ${os.release()}, node ${process.version}; load average ${load}`;
}

const fmt = (s: { seconds: number; peakMiB: number }) => `${s.seconds.toFixed(2)} s, ${s.peakMiB.toFixed(0)} MiB`;

interface Row {
    readonly label: string;
    readonly argv: readonly string[];
    readonly samples: Sample[];
}

export async function main(argv: readonly string[], write: (s: string) => void): Promise<number> {
    const args = parseArgs(argv);
    const sdks = programSdks(args.dir);
    const load = `for (const m of ${JSON.stringify(sdks)}) require(m);`;
    const { nodeOptions } = planCommand(args.dir, "prod");
    const rows: Row[] = [
        { label: "bare load of the SDKs", argv: [process.execPath, "-e", load], samples: [] },
        { label: "the same, with npm start's Node.js options", argv: [process.execPath, ...nodeOptions, "-e", load], samples: [] },
        ...["prod", "staging"].map((s) => ({ label: `plan of the ${s} fixture stack`, argv: planCommand(args.dir, s).argv, samples: [] })),
    ];
    write(`machine: ${machine()}`);
    write(`checkout: ${args.dir}`);
    write(`SDKs the program imports: ${sdks.join(", ")}`);
    write(`plan: what npm start runs (node ${nodeOptions.join(" ")} <entry>.ts), on test/fixtures, without npm's own start-up`);
    write(`${args.runs} runs each, interleaved, after one warm-up run; median [min–max]; memory summed over processes`);
    if (args.suite) {
        // As a fresh clone runs it (after npm ci: nothing transpiled, no check's cache), then again. npm runs the
        // scripts with the checkout's node_modules/.bin first in PATH: its `node` dev dependency.
        clearCaches(args.dir);
        for (const label of ["fresh clone (no cache)", "second run"]) {
            const suite = await measure(["npm", "test"], args.dir);
            const verdict =
                suite.code !== 0
                    ? ` (FAILED, exit code ${suite.code})`
                    : label.startsWith("fresh")
                      ? `; target: under ${SUITE_TARGET_SECONDS} s on 2 cores, ${suite.seconds < SUITE_TARGET_SECONDS ? "met" : "missed"} here`
                      : "";
            write(
                `npm test, ${label}: ${suite.seconds.toFixed(1)} s, ${suite.cpuSeconds.toFixed(1)} s of CPU${verdict}; load average now ${loadAverage()}`,
            );
        }
        const mocha = path.join(args.dir, "node_modules", "mocha", "bin", "mocha.js");
        const file = await measure([process.execPath, mocha, args.file], args.dir);
        write(`mocha ${args.file}: ${fmt(file)}${file.code === 0 ? "" : ` (FAILED, exit code ${file.code})`}`);
    }
    for (let run = 0; run <= args.runs; run++) {
        for (const row of rows) {
            const s = await measure(row.argv, args.dir);
            if (s.code !== 0) {
                throw new Error(`${row.label} exited with code ${s.code}`);
            }
            if (run > 0) {
                row.samples.push(s);
            }
        }
    }
    const medians = rows.map((r) => ({
        seconds: median(r.samples.map((s) => s.seconds)),
        peakMiB: median(r.samples.map((s) => s.peakMiB)),
    }));
    const ratio = (a: { seconds: number; peakMiB: number }, b: { seconds: number; peakMiB: number }) =>
        `${(a.seconds / b.seconds).toFixed(2)}× the time, ${(a.peakMiB / b.peakMiB).toFixed(2)}× the memory`;
    const width = Math.max(...rows.map((r) => r.label.length));
    for (const [i, row] of rows.entries()) {
        const t = row.samples.map((s) => s.seconds);
        const range = `[${Math.min(...t).toFixed(2)}–${Math.max(...t).toFixed(2)} s]`;
        const ratios =
            i < 2 ? "" : `  ${ratio(medians[i], medians[0])} of the bare load (${ratio(medians[i], medians[1])} with the same options)`;
        write(`${row.label.padEnd(width)}  ${fmt(medians[i])} ${range}${ratios}`);
    }
    return 0;
}

if (require.main === module) {
    main(process.argv.slice(2), (s) => console.log(s)).then(
        (code) => exitAfterFlush(code),
        (e) => {
            if (e instanceof HelpRequested) {
                console.log(e.message);
                return exitAfterFlush(0);
            }
            console.error(`error: ${(e as Error).message}`);
            return exitAfterFlush(2);
        },
    );
}
