-- Since API 2025-01 a customer webhook carries only part of a customer: tags, email and SMS marketing consent and the
-- purchasing figures come through topics of their own. Each part (a "group", see CustomerField) keeps its own freshness:
-- when Shopify observed the values the row holds (the event's time, or the start of the bulk export that read them),
-- so that an older part never overwrites a newer one, in any arrival order. The core fields keep last write wins on
-- updated_at, with Shopify's observation time (X-Shopify-Triggered-At, or the export's start) breaking a tie within the
-- same second before the payload hash does.
--
-- Rows written before this migration have no observation times (NULL: unknown, so whatever comes next is newer) and no
-- tag versions (NULL: their tags count as known since ever, see tag_versions_of). Nothing is rewritten here, so the
-- migration takes no time on a large table; the values that the previous version wrongly blanked (every 2026-07
-- customers/update did) are restored by the full sync every shop gets after this upgrade (shops.full_sync_due).

ALTER TABLE customers ADD COLUMN shopify_observed_at timestamptz;
ALTER TABLE customers ADD COLUMN email_consent_observed_at timestamptz;
ALTER TABLE customers ADD COLUMN sms_consent_observed_at timestamptz;
ALTER TABLE customers ADD COLUMN purchasing_observed_at timestamptz;
-- Tags are a last-write-wins set: per tag, whether it is present and as of when ({"vip": {"present": true, "at": …}}).
-- tags_observed_at is when a whole set was last read (an export): a tag it did not list is absent as of then.
-- tags holds the present ones, sorted, for reading.
ALTER TABLE customers ADD COLUMN tag_versions jsonb;
ALTER TABLE customers ADD COLUMN tags_observed_at timestamptz;

ALTER TABLE orders ADD COLUMN shopify_observed_at timestamptz;
-- orders/delete: the order is kept, flagged, hidden from active lists (like a deleted customer).
ALTER TABLE orders ADD COLUMN deleted_at timestamptz;

-- A shop whose data the previous version may have damaged gets a full sync by itself (cleared by the next full sync).
ALTER TABLE shops ADD COLUMN full_sync_due boolean NOT NULL DEFAULT false;
UPDATE shops SET full_sync_due = true WHERE last_successful_sync_at IS NOT NULL;

-- A row's tag versions; a row from before versions were kept has its tags, known since ever.
CREATE FUNCTION tag_versions_of(versions jsonb, tags text[]) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(versions, (SELECT coalesce(jsonb_object_agg(t, jsonb_build_object('present', true, 'at', '-infinity')), '{}')
                               FROM unnest(tags) t))
$$;

-- Which of two versions of one tag is newer: the later one; at the same instant a removal wins, so every arrival order
-- ends alike.
CREATE FUNCTION newer_tag_version(candidate jsonb, known jsonb, base timestamptz) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN known IS NULL THEN (candidate->>'at')::timestamptz > coalesce(base, '-infinity')
                ELSE ((candidate->>'at')::timestamptz, NOT (candidate->>'present')::boolean)
                     > ((known->>'at')::timestamptz, NOT (known->>'present')::boolean) END
$$;

-- Tag changes newer than what is known of their tag win; a tag not known is absent as of base (the last whole set).
CREATE FUNCTION apply_tag_changes(versions jsonb, changes jsonb, base timestamptz) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT coalesce(versions, '{}') || coalesce((
        SELECT jsonb_object_agg(c.key, c.value) FROM jsonb_each(coalesce(changes, '{}')) c
        WHERE newer_tag_version(c.value, versions->c.key, base)), '{}')
$$;

-- Per tag, the newer of two version maps: folds the tag events of one batch.
CREATE FUNCTION newer_tag_versions(a jsonb, b jsonb) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT apply_tag_changes(a, b, NULL)
$$;

CREATE AGGREGATE newer_tag_versions_agg(jsonb) (SFUNC = newer_tag_versions, STYPE = jsonb, INITCOND = '{}');

-- A whole tag set read at `at`: its tags are present as of then, every other one absent (so left out, below the new
-- base); only what is known to have changed after `at` survives it.
CREATE FUNCTION apply_tag_set(versions jsonb, tags text[], at timestamptz) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT jsonb_object_agg(key, value) FROM jsonb_each(coalesce(versions, '{}'))
                     WHERE (value->>'at')::timestamptz > at), '{}')
        || coalesce((SELECT jsonb_object_agg(t, jsonb_build_object('present', true, 'at', at)) FROM unnest(tags) t
                     WHERE coalesce((versions->t->>'at')::timestamptz <= at, true)), '{}')
$$;

CREATE FUNCTION present_tags(versions jsonb) RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(array_agg(key ORDER BY key), '{}') FROM jsonb_each(versions) WHERE (value->>'present')::boolean
$$;
