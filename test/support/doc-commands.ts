// The commands the documentation gives: every shell block (```sh) and every inline code span that starts
// with a CLI, split into simple commands as a shell would split them, with placeholders (`<env>`, `$VAR`,
// `$(…)`) replaced by a word, so that each command can be handed to its CLI's parser.

/** The CLIs whose inline mentions (`pulumi up --stack prod` in a sentence) are commands to check. */
export const INLINE_TOOLS = ["aws", "pulumi", "terraform", "atlas", "kubectl", "helm", "npm"];

/** The word a placeholder, a variable or a command substitution stands for. */
export const PLACEHOLDER = "placeholder";

export interface DocSnippet {
    readonly file: string;
    readonly line: number;
    readonly text: string;
    /** An inline mention (a command named in a sentence, possibly without its values), not a block to run. */
    readonly inline: boolean;
}

export interface DocCommand {
    readonly snippet: DocSnippet;
    readonly argv: string[];
}

const lineOf = (text: string, index: number) => text.slice(0, index).split("\n").length;

/** Shell blocks and inline command spans of a Markdown file. */
export function docSnippets(file: string, markdown: string): DocSnippet[] {
    const out: DocSnippet[] = [];
    const fence = /^( *)```(\w*)[^\n]*\n([\s\S]*?)^\1```/gm;
    let prose = markdown;
    for (const m of markdown.matchAll(fence)) {
        if (["sh", "bash", "shell"].includes(m[2])) {
            // An indented block (in a list item): its lines carry the indentation.
            const text = m[3].replace(new RegExp(`^${m[1]}`, "gm"), "");
            out.push({ file, line: lineOf(markdown, m.index!) + 1, text, inline: false });
        }
        prose = prose.replace(m[0], (s) => s.replace(/[^\n]/g, " "));
    }
    for (const m of prose.matchAll(/`([^`\n]+)`/g)) {
        if (INLINE_TOOLS.some((t) => m[1].startsWith(`${t} `))) {
            out.push({ file, line: lineOf(prose, m.index!), text: m[1], inline: true });
        }
    }
    return out;
}

/** Simple commands of a shell snippet, each as the argv its program would get. */
export function shellCommands(text: string): string[][] {
    const src = text.replace(/\\\n/g, " ").replace(/<[A-Za-z][^<>\n]*>/g, PLACEHOLDER);
    const commands: string[][] = [];
    let argv: string[] = [];
    let word = "";
    let inWord = false;
    let redirect = false;
    const endWord = () => {
        if (inWord) {
            if (redirect) {
                redirect = false;
            } else {
                argv.push(word);
            }
        }
        word = "";
        inWord = false;
    };
    const endCommand = () => {
        endWord();
        // Leading NAME=value words are assignments, not the command.
        while (argv.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[0])) {
            argv.shift();
        }
        const cmd = argv.filter((w) => w !== "…");
        if (cmd.length > 0) {
            commands.push(cmd);
        }
        argv = [];
    };
    /** The text of a `$( … )` starting at src[i] = "$", and the index after its ")". */
    const substitution = (i: number): [string, number] => {
        let depth = 0;
        for (let j = i + 1; j < src.length; j++) {
            if (src[j] === "(") {
                depth++;
            } else if (src[j] === ")" && --depth === 0) {
                return [src.slice(i + 2, j), j + 1];
            } else if (src[j] === "'") {
                j = src.indexOf("'", j + 1);
            }
        }
        throw new Error(`unclosed $( in ${text}`);
    };
    let quote: "'" | '"' | undefined;
    for (let i = 0; i < src.length; i++) {
        const c = src[i];
        if (quote === "'") {
            if (c === "'") {
                quote = undefined;
            } else {
                word += c;
            }
            continue;
        }
        if (c === "$" && src[i + 1] === "(") {
            const [inner, next] = substitution(i);
            commands.push(...shellCommands(inner));
            word += PLACEHOLDER;
            inWord = true;
            i = next - 1;
            continue;
        }
        if (c === "$" && /[A-Za-z_{]/.test(src[i + 1] ?? "")) {
            const m = /^\$(\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*)/.exec(src.slice(i))!;
            word += PLACEHOLDER;
            inWord = true;
            i += m[0].length - 1;
            continue;
        }
        if (quote === '"') {
            if (c === '"') {
                quote = undefined;
            } else {
                word += c === "\\" ? src[++i] : c;
            }
            continue;
        }
        if (c === "'" || c === '"') {
            quote = c;
            inWord = true;
        } else if (c === "#" && !inWord) {
            i = src.indexOf("\n", i) === -1 ? src.length : src.indexOf("\n", i) - 1;
        } else if (c === "\n" || c === ";" || c === "|" || c === "&" || c === "(" || c === ")") {
            if (c === "&" && src[i + 1] === ">") {
                endWord();
                redirect = true;
                i++;
                continue;
            }
            endCommand();
            if ((c === "|" || c === "&") && src[i + 1] === c) {
                i++;
            }
        } else if (c === ">" || c === "<") {
            // 2>&1 and >&2 redirect to a descriptor: no file word follows.
            if (word === "2" || word === "1") {
                word = "";
                inWord = false;
            } else {
                endWord();
            }
            if (src[i + 1] === ">" || src[i + 1] === "<") {
                i++;
            }
            if (src[i + 1] === "&") {
                i += 2;
                while (/[0-9-]/.test(src[i] ?? "")) {
                    i++;
                }
                i--;
            } else {
                redirect = true;
            }
        } else if (c === " " || c === "\t") {
            endWord();
        } else {
            word += c === "\\" ? src[++i] : c;
            inWord = true;
        }
    }
    endCommand();
    return commands;
}

/** Every command of the given Markdown files, each with the snippet it came from. */
export function docCommands(files: Record<string, string>): DocCommand[] {
    return Object.entries(files).flatMap(([file, md]) =>
        docSnippets(file, md).flatMap((snippet) => shellCommands(snippet.text).map((argv) => ({ snippet, argv }))),
    );
}

export type FlagKind = "value" | "bool" | "optional";

export interface CliCommand {
    readonly args: number | "any";
    readonly values?: string[];
    readonly flags: Record<string, FlagKind>;
}

export interface CliReference {
    readonly style: "gnu" | "go";
    readonly global: Record<string, FlagKind>;
    readonly commands: Record<string, CliCommand>;
}

/**
 * Problems of one command line against a CLI's reference: its subcommand, every flag's name, the values
 * flags take, the number of positional arguments. `partial`: an inline mention, whose values may be left out.
 */
export function referenceProblems(ref: CliReference, argv: readonly string[], partial = false): string[] {
    const words = argv.slice(1);
    const leading = words.slice(
        0,
        words.findIndex((w) => w.startsWith("-")) === -1 ? words.length : words.findIndex((w) => w.startsWith("-")),
    );
    let path = "";
    for (let n = leading.length; n >= 0; n--) {
        if (leading.slice(0, n).join(" ") in ref.commands) {
            path = leading.slice(0, n).join(" ");
            break;
        }
    }
    const command = ref.commands[path];
    if (!command) {
        return [`${argv[0]} ${leading.join(" ")}: no such command in the reference`];
    }
    const problems: string[] = [];
    const positionals: string[] = [];
    const rest = words.slice(path === "" ? 0 : path.split(" ").length);
    for (let i = 0; i < rest.length; i++) {
        const w = rest[i];
        if (!w.startsWith("-") || w === "-") {
            positionals.push(w);
            continue;
        }
        const name = (ref.style === "go" ? w.replace(/^--/, "-") : w).split("=")[0];
        const kind = command.flags[name] ?? ref.global[name];
        if (!kind) {
            problems.push(`${argv[0]} ${path}: unknown flag ${name}`);
        } else if (kind === "value" && !w.includes("=")) {
            if (rest[i + 1] === undefined && !partial) {
                problems.push(`${argv[0]} ${path}: ${name} needs a value`);
            }
            i++;
        }
    }
    if (command.args !== "any" && positionals.length > command.args) {
        problems.push(`${argv[0]} ${path}: takes at most ${command.args} arguments (got ${positionals.join(" ")})`);
    }
    if (command.values && positionals[0] !== undefined && !command.values.includes(positionals[0])) {
        problems.push(`${argv[0]} ${path}: ${positionals[0]} is not one of ${command.values.join(", ")}`);
    }
    return problems;
}
