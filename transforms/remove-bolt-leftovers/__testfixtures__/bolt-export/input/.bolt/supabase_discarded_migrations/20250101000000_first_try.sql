/*
  # First try
*/
CREATE TABLE todos (id bigint primary key);
