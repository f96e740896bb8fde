//! [`ObjectOnly`]: decodes a generated struct from an object and nothing else; and
//! [`serialize_tagged`]: encodes a union's variant with the tag its struct leaves out.
//!
//! `#[derive(Deserialize)]` asks the decoder for a struct, and a JSON decoder then accepts
//! an object or an array (`[field1, field2]`); so each struct's array visitor is compiled
//! too, for every decoder it is used with, though no API description ever sends a struct
//! that way. Generated structs keep the derive (`#[serde(remote = "Self")]`) and hand it
//! this wrapper, which asks the decoder for a map: the array code is never instantiated.
//! That was about a tenth of a client's compiled code.

use serde::de::{Deserializer, Visitor};
use serde::ser::{Error as _, Serialize, Serializer};

/// A decoder that answers a request for a struct as a request for a map; everything else
/// it passes on unchanged.
pub struct ObjectOnly<D>(pub D);

impl<'de, D: Deserializer<'de>> Deserializer<'de> for ObjectOnly<D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_any(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }

    // the derive asks for a struct or (with a flattened field) a map, never for these
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct enum
        identifier ignored_any
    }
}

/// Encodes `value` (a struct, so a JSON object) with `property: tag` first: a union's
/// variant whose struct has no field for the tag, because the tag is the one value the
/// variant allows (`{"type": "bool", "datum": true}` from `Datum::Bool(DatumBool { datum:
/// true })`); `&()` for a variant that is nothing but its tag (`{"state": "creating"}` from
/// `DiskState::Creating`). Goes through a `serde_json::Value` (one allocation per encoded variant,
/// against a serializer wrapper that would be compiled for every variant type).
pub fn serialize_tagged<S: Serializer, T: Serialize>(
    serializer: S,
    property: &str,
    tag: &str,
    value: &T,
) -> Result<S::Ok, S::Error> {
    let fields = match serde_json::to_value(value).map_err(S::Error::custom)? {
        serde_json::Value::Object(fields) => fields,
        serde_json::Value::Null => serde_json::Map::new(),
        other => {
            return Err(S::Error::custom(format_args!(
                "a tagged variant encodes as an object, not as {other}"
            )));
        }
    };
    let mut object = serde_json::Map::with_capacity(fields.len() + 1);
    object.insert(property.to_string(), tag.into());
    object.extend(fields.into_iter().filter(|(k, _)| k != property));
    object.serialize(serializer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    #[serde(remote = "Self")]
    struct Point {
        x: i64,
        #[serde(default)]
        y: i64,
    }

    impl<'de> serde::Deserialize<'de> for Point {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            Point::deserialize(ObjectOnly(deserializer))
        }
    }

    #[test]
    fn a_tagged_variant_encodes_with_its_tag_first() {
        #[derive(serde::Serialize)]
        struct Sample {
            datum: bool,
        }
        let mut out = Vec::new();
        let mut json = serde_json::Serializer::new(&mut out);
        serialize_tagged(&mut json, "type", "bool", &Sample { datum: true }).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"type":"bool","datum":true}"#
        );
        let unit = serialize_tagged(serde_json::value::Serializer, "state", "creating", &());
        assert_eq!(unit.unwrap(), serde_json::json!({"state": "creating"}));
        let err = serialize_tagged(serde_json::value::Serializer, "type", "x", &1).unwrap_err();
        assert!(err.to_string().contains("not as 1"), "{err}");
    }

    #[test]
    fn a_struct_decodes_from_an_object_and_not_from_an_array() {
        let p: Point = serde_json::from_slice(br#"{"x": 1, "extra": [1]}"#).unwrap();
        assert_eq!(p, Point { x: 1, y: 0 });
        let from_value: Point =
            serde_json::from_value(serde_json::json!({"x": 2, "y": 3})).unwrap();
        assert_eq!(from_value, Point { x: 2, y: 3 });
        let err = serde_json::from_slice::<Point>(b"[1, 2]").unwrap_err();
        assert!(err.to_string().contains("invalid type: sequence"), "{err}");
        let missing = serde_json::from_slice::<Point>(br#"{"y": 1}"#).unwrap_err();
        assert!(
            missing.to_string().contains("missing field `x`"),
            "{missing}"
        );
    }
}
