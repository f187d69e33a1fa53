// A Lovable-shaped app of any size for the codemod benchmark: the classic Lovable export from
// fixtures/lovable-vite (vite.config with lovable-tagger, the hard-coded Supabase client, the
// Lovable OAuth wrapper, an edge function on the AI gateway, index.html, lock files) plus generated
// shadcn-style components, hooks, pages and helpers, the same bytes for the same seed every time.
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import fg from "fast-glob";

const FIXTURE = path.resolve(import.meta.dirname, "..", "..", "fixtures", "lovable-vite");

/** A small seeded PRNG (mulberry32): the same app for the same seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ENTITIES = [
  "Task",
  "Project",
  "Invoice",
  "Customer",
  "Booking",
  "Message",
  "Report",
  "Team",
  "Order",
  "Product",
  "Review",
  "Event",
  "Ticket",
  "Payment",
  "Note",
  "Lead",
  "Shift",
  "Asset",
  "Course",
  "Lesson",
];
const PARTS = [
  "List",
  "Card",
  "Form",
  "Table",
  "Dialog",
  "Panel",
  "Header",
  "Row",
  "Summary",
  "Filters",
  "Details",
  "Editor",
  "Badge",
  "Empty",
  "Sidebar",
  "Timeline",
];

const snake = (s: string) => s.replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();

function listComponent(name: string, entity: string, pick: () => boolean): string {
  const table = `${snake(entity)}s`;
  return `import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { supabase } from "@/integrations/supabase/client";
import type { Tables } from "@/integrations/supabase/types";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Badge } from "@/components/ui/badge";
import { cn } from "@/lib/utils";

type ${entity} = Tables<"${table}">;

interface ${name}Props {
  ownerId: string;
  compact?: boolean;
  onSelect?: (item: ${entity}) => void;
}

export function ${name}({ ownerId, compact = false, onSelect }: ${name}Props) {
  const [query, setQuery] = useState("");
  const [status, setStatus] = useState<"all" | "open" | "done">("all");
  const queryClient = useQueryClient();
  const { data: items = [], isLoading, error } = useQuery({
    queryKey: ["${table}", ownerId, status],
    queryFn: async () => {
      let request = supabase.from("${table}").select("*").eq("owner_id", ownerId).order("created_at", { ascending: false });
      if (status !== "all") request = request.eq("status", status);
      const { data, error } = await request;
      if (error) throw error;
      return data as ${entity}[];
    },
  });
  const archive = useMutation({
    mutationFn: async (id: string) => {
      const { error } = await supabase.from("${table}").update({ status: "archived" }).eq("id", id);
      if (error) throw error;
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["${table}", ownerId] }),
  });
  const visible = items.filter((item) => String(item.title ?? "").toLowerCase().includes(query.toLowerCase()));

  if (isLoading) return <p className="text-sm text-muted-foreground">Loading ${table}…</p>;
  if (error) return <p role="alert" className="text-destructive">{(error as Error).message}</p>;

  return (
    <Card className={cn("w-full", compact && "shadow-none border-0")}>
      <CardHeader className="flex flex-row items-center justify-between gap-4">
        <CardTitle>${entity}s</CardTitle>
        <Input value={query} onChange={(e) => setQuery(e.target.value)} placeholder="Search ${table}" className="max-w-xs" />
      </CardHeader>
      <CardContent className="space-y-2">
        {visible.length === 0 ? (
          <p className="py-6 text-center text-sm text-muted-foreground">No ${table} yet.</p>
        ) : (
          <ul className="divide-y">
            {visible.map((item) => (
              <li key={item.id} className="flex items-center justify-between py-2">
                <button type="button" onClick={() => onSelect?.(item)} className="text-left">
                  <span className="font-medium">{item.title}</span>
                  {!compact && <span className="block text-xs text-muted-foreground">{new Date(item.created_at).toLocaleDateString()}</span>}
                </button>
                <div className="flex items-center gap-2">
                  <Badge variant={item.status === "done" ? "secondary" : "default"}>{item.status}</Badge>
                  <Button size="sm" variant="ghost" onClick={() => archive.mutate(item.id)} disabled={archive.isPending}>
                    Archive
                  </Button>
                </div>
              </li>
            ))}
          </ul>
        )}${
          pick()
            ? `
        <div className="flex gap-2 pt-2">
          {(["all", "open", "done"] as const).map((s) => (
            <Button key={s} size="sm" variant={s === status ? "default" : "outline"} onClick={() => setStatus(s)}>
              {s === "all" ? "All" : s === "open" ? "Open" : "Done"}
            </Button>
          ))}
        </div>`
            : ""
        }
      </CardContent>
    </Card>
  );
}
`;
}

function formComponent(name: string, entity: string, pick: () => boolean): string {
  const table = `${snake(entity)}s`;
  return `import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { toast } from "sonner";
import { supabase } from "@/integrations/supabase/client";
import { Button } from "@/components/ui/button";
import { Form, FormControl, FormField, FormItem, FormLabel, FormMessage } from "@/components/ui/form";
import { Input } from "@/components/ui/input";
import { Textarea } from "@/components/ui/textarea";

const schema = z.object({
  title: z.string().min(2, "Give the ${snake(entity).replace(/_/g, " ")} a name"),
  description: z.string().max(500).optional(),${
    pick()
      ? `
  due_on: z.string().optional(),`
      : ""
  }
});

type Values = z.infer<typeof schema>;

export function ${name}({ ownerId, onSaved }: { ownerId: string; onSaved?: () => void }) {
  const form = useForm<Values>({ resolver: zodResolver(schema), defaultValues: { title: "", description: "" } });

  const onSubmit = async (values: Values) => {
    const { error } = await supabase.from("${table}").insert({ ...values, owner_id: ownerId });
    if (error) {
      toast.error(error.message);
      return;
    }
    toast.success("${entity} saved");
    form.reset();
    onSaved?.();
  };

  return (
    <Form {...form}>
      <form onSubmit={form.handleSubmit(onSubmit)} className="space-y-4">
        <FormField
          control={form.control}
          name="title"
          render={({ field }) => (
            <FormItem>
              <FormLabel>Title</FormLabel>
              <FormControl>
                <Input placeholder="${entity} title" {...field} />
              </FormControl>
              <FormMessage />
            </FormItem>
          )}
        />
        <FormField
          control={form.control}
          name="description"
          render={({ field }) => (
            <FormItem>
              <FormLabel>Description</FormLabel>
              <FormControl>
                <Textarea rows={4} {...field} />
              </FormControl>
              <FormMessage />
            </FormItem>
          )}
        />
        <Button type="submit" disabled={form.formState.isSubmitting}>
          {form.formState.isSubmitting ? "Saving…" : "Save ${entity.toLowerCase()}"}
        </Button>
      </form>
    </Form>
  );
}
`;
}

function hook(name: string, entity: string): string {
  const table = `${snake(entity)}s`;
  return `import { useQuery } from "@tanstack/react-query";
import { supabase } from "@/integrations/supabase/client";
import type { Tables } from "@/integrations/supabase/types";

export type ${entity}Row = Tables<"${table}">;

/** ${entity}s for one owner, newest first, with a count of open ones. */
export function ${name}(ownerId: string | undefined) {
  return useQuery({
    queryKey: ["${table}", ownerId],
    enabled: Boolean(ownerId),
    queryFn: async () => {
      const { data, error } = await supabase.from("${table}").select("*").eq("owner_id", ownerId!).order("created_at", { ascending: false });
      if (error) throw error;
      const rows = (data ?? []) as ${entity}Row[];
      return { rows, open: rows.filter((r) => r.status !== "done").length };
    },
    staleTime: 30_000,
  });
}
`;
}

function page(name: string, entities: string[]): string {
  return `import { useParams } from "react-router-dom";
${entities.map((e) => `import { ${e}List } from "@/components/${e.toLowerCase()}/${e}List";`).join("\n")}

const ${name} = () => {
  const { ownerId = "" } = useParams();
  return (
    <main className="container grid gap-6 py-10 md:grid-cols-2">
${entities.map((e) => `      <${e}List ownerId={ownerId} />`).join("\n")}
    </main>
  );
};

export default ${name};
`;
}

function helper(name: string, r: () => number): string {
  const n = 2 + Math.floor(r() * 4);
  return `// ${name}: small formatting helpers.
${Array.from(
  { length: n },
  (_, i) => `export function ${name}${i}(value: number | string | null | undefined, locale = "en-US"): string {
  if (value === null || value === undefined || value === "") return "—";
  const n = typeof value === "number" ? value : Number(value);
  if (Number.isNaN(n)) return String(value);
  return new Intl.NumberFormat(locale, { maximumFractionDigits: ${i % 3} }).format(n);
}
`,
).join("\n")}`;
}

/** Writes the app into dir with exactly `total` files; returns the list of files. */
export function writeLovableApp(dir: string, total: number, seed = 20250612): string[] {
  cpSync(FIXTURE, dir, { recursive: true });
  const r = random(seed);
  const pick = () => r() < 0.5;
  let count = fg.sync("**/*", { cwd: dir, dot: true, onlyFiles: true }).length;
  const written = new Set<string>();
  const write = (rel: string, text: string) => {
    if (written.has(rel)) return;
    written.add(rel);
    const abs = path.join(dir, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, text);
    count++;
  };
  for (let i = 0; count < total; i++) {
    const entity = ENTITIES[i % ENTITIES.length]!;
    const part = PARTS[Math.floor(r() * PARTS.length)]!;
    const kind = r();
    const suffix = Math.floor(i / ENTITIES.length);
    if (i % ENTITIES.length === 0 && suffix < ENTITIES.length)
      write(`src/components/${entity.toLowerCase()}/${entity}List.tsx`, listComponent(`${entity}List`, entity, pick));
    else if (kind < 0.5)
      write(
        `src/components/${entity.toLowerCase()}/${entity}${part}${suffix}.tsx`,
        listComponent(`${entity}${part}${suffix}`, entity, pick),
      );
    else if (kind < 0.75)
      write(
        `src/components/${entity.toLowerCase()}/${entity}${part}Form${suffix}.tsx`,
        formComponent(`${entity}${part}Form${suffix}`, entity, pick),
      );
    else if (kind < 0.88) write(`src/hooks/use${entity}${part}${suffix}.ts`, hook(`use${entity}${part}${suffix}`, entity));
    else if (kind < 0.95)
      write(
        `src/pages/${entity}${part}Page${suffix}.tsx`,
        page(`${entity}${part}Page${suffix}`, [entity, ENTITIES[(i + 3) % ENTITIES.length]!]),
      );
    else write(`src/lib/format${entity}${suffix}.ts`, helper(`format${entity}${suffix}`, r));
  }
  return fg.sync("**/*", { cwd: dir, dot: true, onlyFiles: true }).sort();
}
