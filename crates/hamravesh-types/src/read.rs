//! The one walk over JSON bytes that reads every value as validation's parse does and notes each
//! key repeated inside one object (serde keeps the last of a repeated unknown field; validation
//! refuses any repeat). Typed decoding runs it building nothing, [`crate::parse_payload`] building
//! the `Value`; the fast path shares its key reading ([`KeySeed`], [`KeySet`]).

use std::borrow::Cow;
use std::collections::HashSet;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// A step of the path to the value being read.
pub(crate) enum Step<'de> {
    Key(Cow<'de, str>),
    Index(usize),
}

/// What a read builds of each value: a `serde_json::Value`, or nothing (`()`).
pub(crate) trait Build<'de>: Sized {
    type Object: Default;
    fn leaf(value: impl FnOnce() -> Value) -> Self;
    fn array(items: Vec<Self>) -> Self;
    /// Adds the value read for `key`: whether `key` was there already (always `false` for `()`).
    fn insert(object: &mut Self::Object, key: &str, value: Self) -> bool;
    fn object(object: Self::Object) -> Self;
}

impl<'de> Build<'de> for () {
    type Object = ();
    fn leaf(_: impl FnOnce() -> Value) {}
    fn array(_: Vec<()>) {}
    fn insert((): &mut (), _: &str, (): ()) -> bool {
        false
    }
    fn object((): ()) {}
}

impl<'de> Build<'de> for Value {
    type Object = Map<String, Value>;
    fn leaf(value: impl FnOnce() -> Value) -> Value {
        value()
    }
    fn array(items: Vec<Value>) -> Value {
        Value::Array(items)
    }
    fn insert(map: &mut Map<String, Value>, key: &str, value: Value) -> bool {
        // The last of repeated keys wins, as in serde_json's own `Value`. One lookup: the
        // repeat is told by what the insert replaced.
        map.insert(key.to_owned(), value).is_some()
    }
    fn object(map: Map<String, Value>) -> Value {
        Value::Object(map)
    }
}

/// Told of each repeated key with the path of its object.
pub(crate) type OnRepeat<'r, 'de> = dyn FnMut(&[Step<'de>], &str) + 'r;

/// Reads one value into `B`. With `stop_at_repeat` the read fails at the first repeated key, just
/// after it (where the error's line and column point); otherwise each is noted once its value is
/// read and inserted, and the read goes on.
///
/// Without a `path` and with `stop_at_repeat`, the read only tells whether some object repeats a
/// key: it tracks no place, and sorts each object's keys once it is read rather than checking
/// each as it comes (an object of the profile has up to 41 keys, past [`KeySet`]'s pairwise
/// range), so it fails at the end of that object and `on_repeat` is told an empty path. Nearly
/// every payload has no repeat; one that has is read again with a path to name the place.
pub(crate) struct Read<'r, 'de, B> {
    pub path: Option<&'r mut Vec<Step<'de>>>,
    pub on_repeat: &'r mut OnRepeat<'r, 'de>,
    pub stop_at_repeat: bool,
    pub build: PhantomData<B>,
}

impl<'de, B: Build<'de>> Read<'_, 'de, B> {
    fn child(&mut self) -> Read<'_, 'de, B> {
        Read {
            path: self.path.as_deref_mut(),
            on_repeat: &mut *self.on_repeat,
            stop_at_repeat: self.stop_at_repeat,
            build: PhantomData,
        }
    }
}

impl<'de, B: Build<'de>> DeserializeSeed<'de> for Read<'_, 'de, B> {
    type Value = B;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<B, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, B: Build<'de>> Visitor<'de> for Read<'_, 'de, B> {
    type Value = B;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<B, E> {
        Ok(B::leaf(|| Value::Bool(value)))
    }
    fn visit_i64<E>(self, value: i64) -> Result<B, E> {
        Ok(B::leaf(|| Value::from(value)))
    }
    fn visit_u64<E>(self, value: u64) -> Result<B, E> {
        Ok(B::leaf(|| Value::from(value)))
    }
    fn visit_f64<E>(self, value: f64) -> Result<B, E> {
        // serde_json never hands a non-finite number to a visitor; `Null` mirrors `Value::from`.
        Ok(B::leaf(|| Value::from(value)))
    }
    fn visit_str<E>(self, value: &str) -> Result<B, E> {
        Ok(B::leaf(|| Value::String(value.to_owned())))
    }
    fn visit_string<E>(self, value: String) -> Result<B, E> {
        Ok(B::leaf(|| Value::String(value)))
    }
    fn visit_unit<E>(self) -> Result<B, E> {
        Ok(B::leaf(|| Value::Null))
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<B, A::Error> {
        let mut items = Vec::new();
        loop {
            if let Some(path) = self.path.as_deref_mut() {
                path.push(Step::Index(items.len()));
            }
            let item = seq.next_element_seed(self.child());
            if let Some(path) = self.path.as_deref_mut() {
                path.pop();
            }
            match item? {
                Some(item) => items.push(item),
                None => return Ok(B::array(items)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<B, A::Error> {
        let mut object = B::Object::default();
        if self.stop_at_repeat && self.path.is_none() {
            let mut keys = Vec::new();
            while let Some(key) = map.next_key_seed(KeySeed)? {
                B::insert(&mut object, &key, map.next_value_seed(self.child())?);
                keys.push(key);
            }
            keys.sort_unstable();
            if let Some(pair) = keys.windows(2).find(|pair| pair[0] == pair[1]) {
                (self.on_repeat)(&[], &pair[0]);
                return Err(de::Error::custom("repeated key"));
            }
            return Ok(B::object(object));
        }
        let mut keys = self.stop_at_repeat.then(KeySet::default);
        while let Some(key) = map.next_key_seed(KeySeed)? {
            if keys.as_mut().is_some_and(|keys| !keys.insert(key.clone())) {
                (self.on_repeat)(self.path.as_deref().map_or(&[], Vec::as_slice), &key);
                return Err(de::Error::custom("repeated key"));
            }
            // A key borrowed from the input is copied to the path as a pointer.
            if let Some(path) = self.path.as_deref_mut() {
                path.push(Step::Key(key.clone()));
            }
            let value = map.next_value_seed(self.child());
            if let Some(path) = self.path.as_deref_mut() {
                path.pop();
            }
            if B::insert(&mut object, &key, value?) && !self.stop_at_repeat {
                (self.on_repeat)(self.path.as_deref().map_or(&[], Vec::as_slice), &key);
            }
        }
        Ok(B::object(object))
    }
}

/// Reads an object key, borrowed from the input when it holds no escapes.
pub(crate) struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object key")
    }

    fn visit_borrowed_str<E>(self, key: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(key))
    }

    fn visit_str<E>(self, key: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(key.to_owned()))
    }
}

/// The keys of one object: compared pairwise while they are few, hashed past that, so an object
/// of many keys costs linear time.
#[derive(Default)]
pub(crate) struct KeySet<'de> {
    few: Vec<Cow<'de, str>>,
    many: HashSet<Cow<'de, str>>,
}

impl<'de> KeySet<'de> {
    /// Adds `key`; `false` when it was there already.
    pub(crate) fn insert(&mut self, key: Cow<'de, str>) -> bool {
        const FEW: usize = 16;
        if self.few.len() < FEW {
            if self.few.contains(&key) {
                return false;
            }
            self.few.push(key);
            return true;
        }
        if self.many.is_empty() {
            self.many.extend(self.few.iter().cloned());
        }
        self.many.insert(key)
    }
}
