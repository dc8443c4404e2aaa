//! The standard security handler (ISO 32000-1 §7.6.3) for files whose user password is empty:
//! many published PDFs carry only an owner password (printing or copying restricted) and open
//! in any viewer without one. RC4 (40–128 bit, revisions 2–4) and AES-128 (`/AESV2`) are read;
//! AES-256 (revisions 5 and 6) and any file needing a password are reported as encrypted.

use aes::cipher::{BlockDecrypt, KeyInit, generic_array::GenericArray};

use super::{PdfDictionary, PdfObject};

/// The padding string that stands for an empty password (Algorithm 2, step a).
const PAD: [u8; 32] = [
    0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
    0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A,
];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Method {
    None,
    Rc4,
    Aes128,
}

/// How to decrypt this file's strings and streams.
#[derive(Debug, Clone)]
pub struct Crypt {
    key: Vec<u8>,
    strings: Method,
    streams: Method,
}

fn int(d: &PdfDictionary, k: &str) -> Option<i64> {
    d.get(k).and_then(PdfObject::as_integer)
}

fn bytes<'d>(d: &'d PdfDictionary, k: &str) -> &'d [u8] {
    d.get(k)
        .and_then(PdfObject::as_string)
        .map(|s| s.as_bytes())
        .unwrap_or_default()
}

/// A crypt filter's method by name (`/StmF`, `/StrF` of a version 4 dictionary).
fn filter_method(enc: &PdfDictionary, key: &str) -> Option<Method> {
    let name = match enc.get(key) {
        Some(PdfObject::Name(n)) => n.0.clone(),
        _ => "Identity".into(),
    };
    if name == "Identity" {
        return Some(Method::None);
    }
    let cf = enc.get("CF")?.as_dict()?.get(&name)?.as_dict()?;
    match cf
        .get("CFM")
        .and_then(PdfObject::as_name)
        .map(|n| n.0.as_str())
    {
        Some("V2") => Some(Method::Rc4),
        Some("AESV2") => Some(Method::Aes128),
        Some("None") | None => Some(Method::None),
        _ => None,
    }
}

impl Crypt {
    /// The handler for the empty user password, or `None` when the file needs a password (or
    /// uses a handler we do not read).
    pub fn empty_password(enc: &PdfDictionary, id0: &[u8]) -> Option<Crypt> {
        if enc.get("Filter").and_then(PdfObject::as_name)?.0 != "Standard" {
            return None;
        }
        let v = int(enc, "V").unwrap_or(0);
        let r = int(enc, "R")?;
        let (strings, streams, bits) = match v {
            1 => (Method::Rc4, Method::Rc4, 40),
            2 => (Method::Rc4, Method::Rc4, int(enc, "Length").unwrap_or(40)),
            4 => (
                filter_method(enc, "StrF")?,
                filter_method(enc, "StmF")?,
                128,
            ),
            _ => return None,
        };
        let n = usize::try_from(bits / 8)
            .ok()
            .filter(|n| (5..=16).contains(n))?;
        let metadata = !matches!(enc.get("EncryptMetadata"), Some(PdfObject::Boolean(false)));
        let key = file_key(enc, id0, r, n, metadata)?;
        let crypt = Crypt {
            key,
            strings,
            streams,
        };
        crypt
            .user_password_is_empty(bytes(enc, "U"), id0, r)
            .then_some(crypt)
    }

    /// Algorithms 4 and 5: the `/U` entry is what the empty password gives.
    fn user_password_is_empty(&self, u: &[u8], id0: &[u8], r: i64) -> bool {
        if r == 2 {
            return u.get(..32) == Some(&rc4(&self.key, &PAD)[..]);
        }
        let mut x = md5::compute([&PAD[..], id0].concat()).0.to_vec();
        x = rc4(&self.key, &x);
        for i in 1..=19u8 {
            let k: Vec<u8> = self.key.iter().map(|b| b ^ i).collect();
            x = rc4(&k, &x);
        }
        u.get(..16) == Some(&x[..16])
    }

    /// Decrypt the strings of a direct object of the file, and its data if it is a stream.
    pub fn object(&self, n: u32, g: u16, o: &mut PdfObject) {
        match o {
            PdfObject::String(s) => s.0 = self.decrypt(self.strings, n, g, &s.0),
            PdfObject::Array(a) => a.0.iter_mut().for_each(|v| self.object(n, g, v)),
            PdfObject::Dictionary(d) => d.values_mut().for_each(|v| self.object(n, g, v)),
            PdfObject::Stream(s) => {
                s.dict.values_mut().for_each(|v| self.object(n, g, v));
                s.data = self.decrypt(self.streams, n, g, &s.data);
            }
            _ => {}
        }
    }

    fn decrypt(&self, m: Method, n: u32, g: u16, data: &[u8]) -> Vec<u8> {
        if m == Method::None {
            return data.to_vec();
        }
        let mut seed = self.key.clone();
        seed.extend_from_slice(&n.to_le_bytes()[..3]);
        seed.extend_from_slice(&g.to_le_bytes());
        if m == Method::Aes128 {
            seed.extend_from_slice(b"sAlT");
        }
        let digest = md5::compute(&seed).0;
        let key = &digest[..(self.key.len() + 5).min(16)];
        match m {
            Method::Aes128 => aes_cbc(key, data),
            _ => rc4(key, data),
        }
    }
}

/// Algorithm 2: the file key from the empty password.
fn file_key(enc: &PdfDictionary, id0: &[u8], r: i64, n: usize, metadata: bool) -> Option<Vec<u8>> {
    let p = int(enc, "P")? as i32;
    let mut input = PAD.to_vec();
    input.extend_from_slice(bytes(enc, "O").get(..32)?);
    input.extend_from_slice(&p.to_le_bytes());
    input.extend_from_slice(id0);
    if r >= 4 && !metadata {
        input.extend_from_slice(&[0xFF; 4]);
    }
    let mut h = md5::compute(&input).0;
    if r >= 3 {
        for _ in 0..50 {
            h = md5::compute(&h[..n]).0;
        }
    }
    Some(h[..n].to_vec())
}

fn rc4(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut s: Vec<u8> = (0..=255).collect();
    let mut j = 0u8;
    for i in 0..256 {
        j = j.wrapping_add(s[i]).wrapping_add(key[i % key.len()]);
        s.swap(i, j as usize);
    }
    let (mut i, mut j) = (0u8, 0u8);
    data.iter()
        .map(|b| {
            i = i.wrapping_add(1);
            j = j.wrapping_add(s[i as usize]);
            s.swap(i as usize, j as usize);
            b ^ s[s[i as usize].wrapping_add(s[j as usize]) as usize]
        })
        .collect()
}

/// AES-128 in CBC mode, the first 16 bytes the IV, PKCS#5 padding removed (damaged padding is
/// left in place rather than failing the object).
fn aes_cbc(key: &[u8], data: &[u8]) -> Vec<u8> {
    let Ok(cipher) = aes::Aes128::new_from_slice(key) else {
        return Vec::new();
    };
    if data.len() < 32 {
        return Vec::new();
    }
    let mut prev: [u8; 16] = data[..16].try_into().unwrap_or_default();
    let mut out = Vec::with_capacity(data.len() - 16);
    for chunk in data[16..].chunks_exact(16) {
        let mut block = GenericArray::clone_from_slice(chunk);
        cipher.decrypt_block(&mut block);
        out.extend(block.iter().zip(prev).map(|(a, b)| a ^ b));
        prev.copy_from_slice(chunk);
    }
    if let Some(&pad) = out.last()
        && (1..=16).contains(&pad)
        && out.len() >= pad as usize
    {
        out.truncate(out.len() - pad as usize);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rc4_matches_a_known_vector() {
        // RFC 6229-style check: key "Key", text "Plaintext".
        assert_eq!(
            rc4(b"Key", b"Plaintext"),
            [0xBB, 0xF3, 0x16, 0xE8, 0xD9, 0x40, 0xAF, 0x0A, 0xD3]
        );
    }
}
