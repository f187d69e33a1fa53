import { createClient } from "@supabase/supabase-js";

export const supabase = createClient(
  "https://zxcvbnmasdfghjklqwer.supabase.co",
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6Inp4Y3Zibm1hc2RmZ2hqa2xxd2VyIiwicm9sZSI6ImFub24iLCJpYXQiOjE3MzU2ODk2MDAsImV4cCI6MjA1MTI2NTYwMH0.c2lnbmF0dXJlLW5vdC1jaGVja2VkLWhlcmU"
);

export const supabaseAdmin = createClient("https://zxcvbnmasdfghjklqwer.supabase.co", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6Inp4Y3Zibm1hc2RmZ2hqa2xxd2VyIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImlhdCI6MTczNTY4OTYwMCwiZXhwIjoyMDUxMjY1NjAwfQ.c2lnbmF0dXJlLW5vdC1jaGVja2VkLXRvbw");
