import { supabase } from "@/integrations/supabase/client";

export async function sendReset(email: string) {
  return supabase.auth.resetPasswordForEmail(email, {
    redirectTo: `${import.meta.env.VITE_SITE_URL}/auth`,
  });
}

export const shareLink = (boardId: string) => `${import.meta.env.VITE_SITE_URL}/board/${boardId}`;

export const Footer = () => <a href={import.meta.env.VITE_SITE_URL}>taskflow-buddy</a>;
