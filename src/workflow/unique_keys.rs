//! Refusing a mapping that writes the same key twice, inside the one typed
//! parse a YAML file already gets.
//!
//! YAML parsers keep the last of two equal keys, so `env: {A: 1, A: 2}` reads
//! as `A: 2`; GitHub Actions instead refuses the whole file ("'A' is already
//! defined"), and nothing in it runs. Judging the last-wins reading would
//! judge a workflow that does not exist.
//!
//! [`from_str`] hands yaml_serde's deserializer to the typed model through a
//! thin adapter that sees every mapping as it is read (those the model keeps,
//! those it buffers to try the variants of an untagged enum, and those it
//! skips as unknown fields) and remembers each mapping's string keys. The
//! second of two equal keys is an error raised while that key is read, so
//! yaml_serde places it at the key's own line and column. No text is parsed
//! a second time.
//!
//! Keys are compared exactly, as the text the model reads them as: `a` and
//! `"a"` are the same key, `A` and `a` are not (GitHub may refuse those
//! too; a false refusal is worse than a missed one), and a key read as a
//! number or boolean is not compared. The merge key `<<` is never a
//! duplicate. A value the model skips is read for repeats only in a text
//! without anchors (see `READ_SKIPPED`).

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor,
};
use std::collections::HashSet;
use std::fmt;

/// `T` read from `text` by yaml_serde, refusing a mapping with a repeated key.
pub fn from_str<'de, T: serde::Deserialize<'de>>(text: &'de str) -> Result<T, yaml_serde::Error> {
    let before = READ_SKIPPED.replace(!super::has_anchor(text));
    let read = T::deserialize(Checked {
        de: yaml_serde::Deserializer::from_str(text),
        keys: None,
    });
    READ_SKIPPED.set(before);
    read
}

thread_local! {
    /// Whether a value the model skips (an unknown field) is read through
    /// for repeated keys. Only in a text without anchors: reading a skipped
    /// value follows its aliases, and an alias bomb under a key the model
    /// never reads must stay unexpanded (yaml_serde skips it without
    /// following them). With anchors, skipped values are skipped unread.
    static READ_SKIPPED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The keys one mapping has written so far. Most mappings of a workflow
/// have a handful of keys: those are compared in a list, and only a large
/// mapping gets a set.
#[derive(Default)]
struct Keys {
    few: Vec<String>,
    many: HashSet<String>,
}

/// Keys compared in a list before a mapping's keys go into a set.
const FEW_KEYS: usize = 16;

impl Keys {
    fn add<E: de::Error>(&mut self, key: &str) -> Result<(), E> {
        if key == "<<" {
            return Ok(());
        }
        let fresh = if self.many.is_empty() && self.few.len() < FEW_KEYS {
            let fresh = !self.few.iter().any(|k| k == key);
            if fresh {
                self.few.push(key.to_string());
            }
            fresh
        } else {
            self.many.extend(self.few.drain(..));
            self.many.insert(key.to_string())
        };
        if fresh {
            return Ok(());
        }
        Err(E::custom(format_args!(
            "the key `{key}` appears twice in one mapping, and GitHub refuses a file \
             that defines a key twice; remove or rename one"
        )))
    }
}

/// A deserializer whose mappings check their keys. `keys` is set when this
/// deserializer reads a mapping key: the string it reads is added there.
struct Checked<'k, D> {
    de: D,
    keys: Option<&'k mut Keys>,
}

/// The visitor counterpart of [`Checked`].
struct Visit<'k, V> {
    v: V,
    keys: Option<&'k mut Keys>,
}

/// A seed whose deserializer is [`Checked`] (for values and elements).
struct Seed<S>(S);

/// A seed for a mapping key: its string is added to the mapping's keys.
struct KeySeed<'k, S> {
    seed: S,
    keys: &'k mut Keys,
}

struct Map<A> {
    access: A,
    keys: Keys,
}

struct Seq<A>(A);

struct Enum<'k, A> {
    access: A,
    keys: Option<&'k mut Keys>,
}

struct Variant<A>(A);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<S> {
    type Value = S::Value;
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(Checked { de, keys: None })
    }
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for KeySeed<'_, S> {
    type Value = S::Value;
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<S::Value, D::Error> {
        self.seed.deserialize(Checked {
            de,
            keys: Some(self.keys),
        })
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Map<A> {
    type Error = A::Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.access.next_key_seed(KeySeed {
            seed,
            keys: &mut self.keys,
        })
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.access.next_value_seed(Seed(seed))
    }
    fn size_hint(&self) -> Option<usize> {
        self.access.size_hint()
    }
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Seq<A> {
    type Error = A::Error;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(Seed(seed))
    }
    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for Enum<'_, A> {
    type Error = A::Error;
    type Variant = Variant<A::Variant>;
    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self::Variant), A::Error> {
        // A key read as an enum (a scalar naming a variant) is a key too.
        let read = match self.keys {
            Some(keys) => self.access.variant_seed(KeySeed { seed, keys }),
            None => self.access.variant_seed(Seed(seed)),
        };
        read.map(|(v, rest)| (v, Variant(rest)))
    }
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for Variant<A> {
    type Error = A::Error;
    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.0.newtype_variant_seed(Seed(seed))
    }
    fn tuple_variant<V: Visitor<'de>>(self, len: usize, v: V) -> Result<V::Value, A::Error> {
        self.0.tuple_variant(len, Visit { v, keys: None })
    }
    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, A::Error> {
        self.0.struct_variant(fields, Visit { v, keys: None })
    }
}

/// Deserializer methods that take only a visitor, handed on with the visitor wrapped.
macro_rules! forward {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
            self.de.$method(Visit { v, keys: self.keys })
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Checked<'_, D> {
    type Error = D::Error;

    forward! {
        deserialize_any deserialize_bool
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
        deserialize_f32 deserialize_f64 deserialize_char deserialize_str deserialize_string
        deserialize_bytes deserialize_byte_buf deserialize_option deserialize_unit
        deserialize_seq deserialize_map deserialize_identifier
    }

    /// A skipped value (an unknown field) is read through, so that a repeated
    /// key inside it is seen (GitHub reads the whole file), unless the text
    /// has anchors: see [`READ_SKIPPED`].
    fn deserialize_ignored_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        if READ_SKIPPED.get() {
            self.de.deserialize_any(Visit { v, keys: self.keys })
        } else {
            self.de
                .deserialize_ignored_any(Visit { v, keys: self.keys })
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        v: V,
    ) -> Result<V::Value, D::Error> {
        self.de
            .deserialize_unit_struct(name, Visit { v, keys: self.keys })
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        v: V,
    ) -> Result<V::Value, D::Error> {
        self.de
            .deserialize_newtype_struct(name, Visit { v, keys: self.keys })
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, v: V) -> Result<V::Value, D::Error> {
        self.de.deserialize_tuple(len, Visit { v, keys: None })
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        v: V,
    ) -> Result<V::Value, D::Error> {
        self.de
            .deserialize_tuple_struct(name, len, Visit { v, keys: None })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, D::Error> {
        self.de
            .deserialize_struct(name, fields, Visit { v, keys: None })
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, D::Error> {
        self.de
            .deserialize_enum(name, variants, Visit { v, keys: self.keys })
    }

    fn is_human_readable(&self) -> bool {
        self.de.is_human_readable()
    }
}

/// Visitor methods that take a plain value, handed on unchanged.
macro_rules! pass {
    ($($method:ident($t:ty))*) => {$(
        fn $method<E: de::Error>(self, x: $t) -> Result<V::Value, E> {
            self.v.$method(x)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Visit<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.v.expecting(f)
    }

    pass! {
        visit_bool(bool)
        visit_i8(i8) visit_i16(i16) visit_i32(i32) visit_i64(i64) visit_i128(i128)
        visit_u8(u8) visit_u16(u16) visit_u32(u32) visit_u64(u64) visit_u128(u128)
        visit_f32(f32) visit_f64(f64) visit_char(char)
        visit_bytes(&[u8]) visit_borrowed_bytes(&'de [u8]) visit_byte_buf(Vec<u8>)
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<V::Value, E> {
        if let Some(keys) = self.keys {
            keys.add(s)?;
        }
        self.v.visit_str(s)
    }

    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<V::Value, E> {
        if let Some(keys) = self.keys {
            keys.add(s)?;
        }
        self.v.visit_borrowed_str(s)
    }

    fn visit_string<E: de::Error>(self, s: String) -> Result<V::Value, E> {
        if let Some(keys) = self.keys {
            keys.add(&s)?;
        }
        self.v.visit_string(s)
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.v.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.v.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, de: D) -> Result<V::Value, D::Error> {
        self.v.visit_some(Checked {
            de,
            keys: self.keys,
        })
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, de: D) -> Result<V::Value, D::Error> {
        self.v.visit_newtype_struct(Checked {
            de,
            keys: self.keys,
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.v.visit_seq(Seq(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.v.visit_map(Map {
            access: map,
            keys: Keys::default(),
        })
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.v.visit_enum(Enum {
            access: data,
            keys: self.keys,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::from_str;
    use std::collections::BTreeMap;

    // Reads every node without keeping it: only this module judges the keys.
    type Any = serde::de::IgnoredAny;

    fn refused(yaml: &str) -> (usize, usize, String) {
        let e = from_str::<Any>(yaml).expect_err(yaml);
        let at = e.location().expect("a location");
        (at.line(), at.column(), e.to_string())
    }

    #[test]
    fn a_repeated_key_is_refused_at_its_second_writing() {
        let (line, col, msg) = refused("a: 1\nb:\n  c: 1\n  c: 2\n");
        assert_eq!((line, col), (4, 3), "{msg}");
        assert!(msg.contains("`c` appears twice"), "{msg}");
        let (line, col, _) = refused("x: {a: 1, \"a\": 2}\n");
        assert_eq!((line, col), (1, 11));
        let (line, _, _) = refused("x: 1\n'x': 2\n");
        assert_eq!(line, 2);
    }

    #[test]
    fn a_large_mapping_is_checked_past_the_list() {
        let keys: Vec<String> = (0..40).map(|i| format!("k{i}: {i}\n")).collect();
        let all = keys.concat();
        from_str::<Any>(&all).unwrap_or_else(|e| panic!("{e}"));
        // A repeat of an early key after the list became a set, and a repeat
        // of a late key.
        for (again, line) in [("k3: x\n", 41), ("k39: x\n", 41)] {
            let (at, _, msg) = refused(&format!("{all}{again}"));
            assert_eq!(at, line, "{msg}");
        }
        let (at, _, _) = refused(&format!("{}k5: x\n", keys[..10].concat()));
        assert_eq!(at, 11);
    }

    #[test]
    fn equal_keys_in_different_mappings_are_not_repeated() {
        for ok in [
            "a: {k: 1}\nb: {k: 1}\n",
            "- k: 1\n- k: 2\n",
            "a: &x {k: 1}\nb: *x\nc: *x\n",
            "a: &x {k: 1}\nb:\n  <<: *x\n  k: 2\n",
            "a:\n  <<: {k: 1}\n  <<: {j: 1}\n",
            "1: a\n'1': b\n",
            "a: 1\nA: 2\n",
        ] {
            from_str::<Any>(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
    }

    #[test]
    fn typed_and_skipped_mappings_are_checked_too() {
        #[derive(serde::Deserialize)]
        #[allow(dead_code)]
        struct Known {
            env: BTreeMap<String, String>,
        }
        let e = from_str::<Known>("env:\n  A: x\n  A: y\n").err().unwrap();
        assert_eq!(e.location().unwrap().line(), 3);
        let e = from_str::<Known>("env: {}\nenv: {}\n").err().unwrap();
        assert_eq!(e.location().unwrap().line(), 2);
        // A field the model does not know is still read for repeated keys.
        let e = from_str::<Known>("env: {}\nother:\n  k: 1\n  k: 2\n")
            .err()
            .unwrap();
        assert_eq!(e.location().unwrap().line(), 4);
        assert!(from_str::<Known>("env: {}\nother: {k: 1}\n").is_ok());
        // With anchors in the text, a skipped value is not read (its aliases
        // are not followed), so a repeat inside it goes unseen; the typed
        // fields still are checked.
        let anchored = "env: &e {A: x}\nother:\n  k: 1\n  k: 2\n";
        assert!(from_str::<Known>(anchored).is_ok());
        let e = from_str::<Known>("env: &e {A: x, A: y}\n").err().unwrap();
        assert_eq!(e.location().unwrap().line(), 1);
    }
}
