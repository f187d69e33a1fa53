import { supabase } from "@/integrations/supabase/client";

export async function sendReset(email: string) {
  return supabase.auth.resetPasswordForEmail(email, {
    redirectTo: "https://taskflow-buddy.lovable.app/auth",
  });
}

export const shareLink = (boardId: string) => `https://taskflow-buddy.lovable.app/board/${boardId}`;

export const Footer = () => <a href="https://taskflow-buddy.lovable.app">taskflow-buddy</a>;
