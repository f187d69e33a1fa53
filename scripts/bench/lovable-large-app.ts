// A real-shaped large Lovable export for the codemod benchmark: what long-lived Lovable projects
// hold besides app components — the full shadcn/ui folder (src/components/ui, Radix + cva), the
// generated src/integrations/supabase client and types, 100+ Deno edge functions (deno.land/std
// serve, esm.sh supabase-js, Deno.env, some on the Lovable AI gateway) and 400+ timestamped
// migrations (tables, RLS policies, triggers, a pg_cron job calling an edge function now and then)
// — then filled with generated components, hooks and pages (lovable-app.ts) up to the file count.
// The same bytes for the same seed every time.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { writeLovableApp } from "./lovable-app";

/** shadcn/ui components a Lovable project ships (its `components.json` style "default"). */
const UI_COMPONENTS = [
  "accordion",
  "alert",
  "alert-dialog",
  "aspect-ratio",
  "avatar",
  "badge",
  "breadcrumb",
  "button",
  "calendar",
  "card",
  "carousel",
  "chart",
  "checkbox",
  "collapsible",
  "command",
  "context-menu",
  "dialog",
  "drawer",
  "dropdown-menu",
  "form",
  "hover-card",
  "input",
  "input-otp",
  "label",
  "menubar",
  "navigation-menu",
  "pagination",
  "popover",
  "progress",
  "radio-group",
  "resizable",
  "scroll-area",
  "select",
  "separator",
  "sheet",
  "sidebar",
  "skeleton",
  "slider",
  "sonner",
  "switch",
  "table",
  "tabs",
  "textarea",
  "toast",
  "toaster",
  "toggle",
  "toggle-group",
  "tooltip",
];
export const EDGE_FUNCTIONS = 120;
export const MIGRATIONS = 420;

const pascal = (s: string) => s.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());

function uiComponent(name: string): string {
  const Name = pascal(name);
  return `import * as React from "react";
import * as ${Name}Primitive from "@radix-ui/react-${name}";
import { cva, type VariantProps } from "class-variance-authority";

import { cn } from "@/lib/utils";

const ${name.replace(/-/g, "_")}Variants = cva("inline-flex items-center rounded-md text-sm font-medium transition-colors", {
  variants: {
    variant: {
      default: "bg-primary text-primary-foreground hover:bg-primary/90",
      outline: "border border-input bg-background hover:bg-accent",
    },
    size: { default: "h-10 px-4 py-2", sm: "h-9 px-3" },
  },
  defaultVariants: { variant: "default", size: "default" },
});

const ${Name} = React.forwardRef<
  React.ElementRef<typeof ${Name}Primitive.Root>,
  React.ComponentPropsWithoutRef<typeof ${Name}Primitive.Root> & VariantProps<typeof ${name.replace(/-/g, "_")}Variants>
>(({ className, variant, size, ...props }, ref) => (
  <${Name}Primitive.Root ref={ref} className={cn(${name.replace(/-/g, "_")}Variants({ variant, size }), className)} {...props} />
));
${Name}.displayName = ${Name}Primitive.Root.displayName;

export { ${Name}, ${name.replace(/-/g, "_")}Variants };
`;
}

function edgeFunction(i: number): string {
  const ai = i % 4 === 0;
  return `import { serve } from "https://deno.land/std@0.168.0/http/server.ts";
import { createClient } from "https://esm.sh/@supabase/supabase-js@2.45.0";

const corsHeaders = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Headers": "authorization, x-client-info, apikey, content-type",
};

serve(async (req) => {
  if (req.method === "OPTIONS") return new Response(null, { headers: corsHeaders });
  try {
    const supabase = createClient(Deno.env.get("SUPABASE_URL")!, Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!);
    const { id } = await req.json();
    const { data, error } = await supabase.from("items_${i % 40}").select("*").eq("id", id).single();
    if (error) throw error;
${
  ai
    ? `    const response = await fetch("https://ai.gateway.lovable.dev/v1/chat/completions", {
      method: "POST",
      headers: { Authorization: \`Bearer \${Deno.env.get("LOVABLE_API_KEY")}\`, "Content-Type": "application/json" },
      body: JSON.stringify({ model: "google/gemini-2.5-flash", messages: [{ role: "user", content: JSON.stringify(data) }] }),
    });
    const summary = await response.json();
    return new Response(JSON.stringify({ data, summary }), { headers: { ...corsHeaders, "Content-Type": "application/json" } });
`
    : `    return new Response(JSON.stringify({ data }), { headers: { ...corsHeaders, "Content-Type": "application/json" } });
`
}  } catch (error) {
    return new Response(JSON.stringify({ error: (error as Error).message }), { status: 500, headers: corsHeaders });
  }
});
`;
}

function migration(i: number): string {
  const table = `items_${i % 40}`;
  const lines =
    i < 40
      ? [
          `CREATE TABLE public.${table} (`,
          "  id UUID NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,",
          "  user_id UUID NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,",
          "  title TEXT NOT NULL,",
          "  created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()",
          ");",
          `ALTER TABLE public.${table} ENABLE ROW LEVEL SECURITY;`,
          `CREATE POLICY "Users see their own ${table}" ON public.${table} FOR SELECT USING (auth.uid() = user_id);`,
        ]
      : [
          `ALTER TABLE public.${table} ADD COLUMN IF NOT EXISTS field_${i} TEXT;`,
          `CREATE INDEX IF NOT EXISTS ${table}_field_${i}_idx ON public.${table} (field_${i});`,
        ];
  if (i % 50 === 7)
    lines.push(
      `SELECT cron.schedule('refresh-${i}', '*/5 * * * *', $$ SELECT net.http_post(url := 'https://xyzkqvbnmwplrtsdhgfa.supabase.co/functions/v1/fn-${i % EDGE_FUNCTIONS}', headers := '{"Content-Type": "application/json"}'::jsonb) $$);`,
    );
  return `${lines.join("\n")}\n`;
}

/** A migration's file name: Lovable's `<UTC timestamp>_<uuid>.sql`. */
function migrationName(i: number): string {
  const at = new Date(Date.UTC(2025, 0, 1) + i * 3_600_000).toISOString().replace(/\D/g, "").slice(0, 14);
  const hex = (i * 2654435761).toString(16).padStart(8, "0").slice(-8);
  return `${at}_${hex}-0000-4000-8000-${hex}${hex.slice(0, 4)}.sql`;
}

/** Writes the real-shaped app into dir with at least `total` files; returns the list of files. */
export function writeLargeLovableApp(dir: string, total: number): string[] {
  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  };
  for (const name of UI_COMPONENTS) write(`src/components/ui/${name}.tsx`, uiComponent(name));
  for (let i = 0; i < EDGE_FUNCTIONS; i++) write(`supabase/functions/fn-${i}/index.ts`, edgeFunction(i));
  for (let i = 0; i < MIGRATIONS; i++) write(`supabase/migrations/${migrationName(i)}`, migration(i));
  // The fixture (client.ts, types.ts, vite.config, …) and the app's own components fill the rest.
  return writeLovableApp(dir, total);
}
