//! What generated structs and unions decode and encode through: [`Key`], [`field`],
//! [`required`] and [`skip`], which a struct's `deserialize_object!` calls; and
//! [`serialize_tagged`], which encodes a union's variant with the tag its struct leaves
//! out.
//!
//! `#[derive(Deserialize)]` writes, per struct, a field enum with its own visitor, a
//! visitor for the struct sent as an array and one for it sent as an object: about 200
//! lines per struct, most of a client's code once expanded, though no API description
//! ever sends a struct as an array. `deserialize_object!` writes only the object's
//! visitor, a loop over its keys, and leaves the rest to these functions, which are
//! compiled once per decoder rather than once per struct. A touched client crate rebuilt
//! in about 0.6 of the time.

use serde::de::{DeserializeSeed, Deserializer, Error as _, IgnoredAny, MapAccess, Visitor};
use serde::ser::{Error as _, Serialize, Serializer};

/// Decodes an object's key as one of a struct's wire names (`Some(name)`, the `'static`
/// one of `names`) or as another key (`None`), without allocating.
pub struct Key(pub &'static [&'static str]);

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Option<&'static str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Option<&'static str>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a property name")
    }

    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(self.0.iter().copied().find(|name| *name == key))
    }

    fn visit_bytes<E: serde::de::Error>(self, key: &[u8]) -> Result<Self::Value, E> {
        Ok(self.0.iter().copied().find(|name| name.as_bytes() == key))
    }
}

/// Decodes the value of property `name` into `slot`: a second value for the same property
/// is an error (`duplicate field`), as with the derive.
pub fn field<'de, A: MapAccess<'de>, T: serde::Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(A::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Skips the value of a property the struct does not declare.
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}

/// The value of required property `name`, or the error `missing field`, as with the derive.
pub fn required<T, E: serde::de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
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

    /// Decoded as `deserialize_object!` decodes a struct: `x` required, `y` not.
    #[derive(Debug, PartialEq)]
    struct Point {
        x: i64,
        y: i64,
    }

    impl<'de> serde::Deserialize<'de> for Point {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Point;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("struct Point")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Point, A::Error> {
                    let (mut x, mut y) = (None, None);
                    while let Some(key) = map.next_key_seed(Key(&["x", "y"]))? {
                        match key {
                            Some("x") => field(&mut map, &mut x, "x")?,
                            Some("y") => field(&mut map, &mut y, "y")?,
                            _ => skip(&mut map)?,
                        }
                    }
                    Ok(Point {
                        x: required(x, "x")?,
                        y: y.unwrap_or_default(),
                    })
                }
            }
            deserializer.deserialize_map(V)
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
        let twice = serde_json::from_slice::<Point>(br#"{"x": 1, "x": 2}"#).unwrap_err();
        assert!(twice.to_string().contains("duplicate field `x`"), "{twice}");
        // an escaped key is the same key
        let escaped: Point = serde_json::from_slice(br#"{"\u0078": 4}"#).unwrap();
        assert_eq!(escaped, Point { x: 4, y: 0 });
    }

    #[test]
    fn a_decoding_error_names_the_path_of_the_property() {
        let json = br#"{"x": 1, "y": "two"}"#;
        let err = serde_json::from_slice::<Point>(json).unwrap_err();
        let path = crate::runtime::json_path_at(json, err.line(), err.column());
        assert_eq!(path, "y");
    }
}
