-- Since API 2025-01 a customer webhook carries only part of a customer: tags, email and SMS marketing consent and the
-- purchasing figures come through topics of their own. Each part (a "group", see CustomerField) keeps its own freshness:
-- when Shopify observed the values the row holds (the event's time, or the start of the bulk export that read them),
-- so that an older part never overwrites a newer one, in any arrival order. The core fields keep last write wins on
-- updated_at, with Shopify's observation time (X-Shopify-Triggered-At, or the export's start) breaking a tie within the
-- same second before the payload hash does.

ALTER TABLE customers ADD COLUMN shopify_observed_at timestamptz;
ALTER TABLE customers ADD COLUMN email_consent_observed_at timestamptz;
ALTER TABLE customers ADD COLUMN sms_consent_observed_at timestamptz;
ALTER TABLE customers ADD COLUMN purchasing_observed_at timestamptz;
-- Tags are a last-write-wins set: per tag, whether it is present and as of when ({"vip": {"present": true, "at": …}}).
-- tags_observed_at is when a whole set was last read (an export): a tag it did not list is absent as of then.
-- tags holds the present ones, sorted, for reading.
ALTER TABLE customers ADD COLUMN tag_versions jsonb NOT NULL DEFAULT '{}';
ALTER TABLE customers ADD COLUMN tags_observed_at timestamptz;

UPDATE customers SET shopify_observed_at = shopify_updated_at, email_consent_observed_at = shopify_updated_at,
    sms_consent_observed_at = shopify_updated_at, purchasing_observed_at = shopify_updated_at, tags_observed_at = shopify_updated_at,
    tag_versions = (SELECT coalesce(jsonb_object_agg(t, jsonb_build_object('present', true, 'at', shopify_updated_at)), '{}')
                    FROM unnest(tags) t)
WHERE shopify_updated_at IS NOT NULL;

ALTER TABLE orders ADD COLUMN shopify_observed_at timestamptz;
-- orders/delete: the order is kept, flagged, hidden from active lists (like a deleted customer).
ALTER TABLE orders ADD COLUMN deleted_at timestamptz;
UPDATE orders SET shopify_observed_at = shopify_updated_at;

-- Tag changes newer than what is known of their tag win; a tag not known is absent as of base (the last whole set).
CREATE FUNCTION apply_tag_changes(versions jsonb, changes jsonb, base timestamptz) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT coalesce(versions, '{}') || coalesce((
        SELECT jsonb_object_agg(c.key, c.value) FROM jsonb_each(coalesce(changes, '{}')) c
        WHERE (c.value->>'at')::timestamptz > coalesce((versions->c.key->>'at')::timestamptz, base, '-infinity')), '{}')
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
