CREATE SQL SECURITY DEFINER VIEW function_definitions AS
-- The stored functions of this schema with their bodies and declared types,
-- for the API account: the API expands the metric functions in place
-- (webapi/formulas.py). information_schema shows a routine's body only to its
-- definer and to users who may see every routine's code; this view runs with
-- its definer's rights, so a read-only account (SELECT) reads them too.
-- One row per function parameter (ordinal_position >= 1), plus a row with
-- ordinal_position 0 and parameter_name NULL for the return type.
--   function_name     e.g. shame_score_of
--   body              the routine's body (ROUTINE_DEFINITION)
--   ordinal_position  0: the return value; 1..n: the parameters in order
--   parameter_name    NULL for the return value
--   dtd_identifier    the declared type, e.g. decimal(30,10), bigint(20)
-- Example: SELECT parameter_name, dtd_identifier FROM function_definitions
--           WHERE function_name = 'shame_score_of' ORDER BY ordinal_position;
--   -> NULL decimal(30,10) / p_shame_sum decimal(30,10) / p_shame_count bigint(20)
SELECT r.ROUTINE_NAME AS function_name,
       r.ROUTINE_DEFINITION AS body,
       p.ORDINAL_POSITION AS ordinal_position,
       p.PARAMETER_NAME AS parameter_name,
       p.DTD_IDENTIFIER AS dtd_identifier
  FROM information_schema.ROUTINES AS r
  JOIN information_schema.PARAMETERS AS p
    ON p.SPECIFIC_SCHEMA = r.ROUTINE_SCHEMA
   AND p.SPECIFIC_NAME = r.ROUTINE_NAME
 WHERE r.ROUTINE_SCHEMA = DATABASE()
   AND r.ROUTINE_TYPE = 'FUNCTION'
   AND p.ROUTINE_TYPE = 'FUNCTION'
