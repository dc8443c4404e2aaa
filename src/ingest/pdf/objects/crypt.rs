//! The standard security handler (ISO 32000-1 §7.6.3) for files whose user password is empty:
//! many published PDFs carry only an owner password (printing or copying restricted) and open
//! in any viewer without one. RC4 (40–128 bit, revisions 2–4), AES-128 (`/AESV2`) and AES-256
//! (`/AESV3`, revisions 5 and 6) are read; a file needing a password is reported as encrypted.

use aes::cipher::{BlockDecrypt, BlockEncrypt, KeyInit, generic_array::GenericArray};
use sha2::Digest;

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
    Aes256,
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
        Some("AESV3") => Some(Method::Aes256),
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
        if v == 5 {
            return Crypt::aes256(enc, r);
        }
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

    /// Algorithm 2.A: revisions 5 and 6, the file key from `/UE` once `/U` shows the empty
    /// password opens the file.
    fn aes256(enc: &PdfDictionary, r: i64) -> Option<Crypt> {
        let u = bytes(enc, "U").get(..48)?;
        let hash = |salt: &[u8]| {
            if r >= 6 {
                hash_2b(salt)
            } else {
                sha2::Sha256::digest(salt).to_vec()
            }
        };
        if hash(&u[32..40]) != u[..32] {
            return None;
        }
        let inter = hash(&u[40..48]);
        let ue = bytes(enc, "UE").get(..32)?;
        let cipher = aes::Aes256::new_from_slice(&inter).ok()?;
        let mut prev = [0u8; 16];
        let mut key = Vec::with_capacity(32);
        for chunk in ue.chunks_exact(16) {
            let mut block = GenericArray::clone_from_slice(chunk);
            cipher.decrypt_block(&mut block);
            key.extend(block.iter().zip(prev).map(|(a, b)| a ^ b));
            prev.copy_from_slice(chunk);
        }
        Some(Crypt {
            key,
            strings: filter_method(enc, "StrF")?,
            streams: filter_method(enc, "StmF")?,
        })
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
        match m {
            Method::None => return data.to_vec(),
            // AES-256 uses the file key itself for every object.
            Method::Aes256 => return aes_cbc::<aes::Aes256>(&self.key, data),
            _ => {}
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
            Method::Aes128 => aes_cbc::<aes::Aes128>(key, data),
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
fn aes_cbc<C: BlockDecrypt + KeyInit>(key: &[u8], data: &[u8]) -> Vec<u8> {
    let Ok(cipher) = C::new_from_slice(key) else {
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

/// Algorithm 2.B (revision 6) for the empty password: SHA-256, -384 and -512 rounds over
/// AES-128 encryptions, at least 64 of them.
fn hash_2b(salt: &[u8]) -> Vec<u8> {
    let mut k = sha2::Sha256::digest(salt).to_vec();
    let mut round = 0u32;
    loop {
        let k1 = k.repeat(64);
        let Ok(cipher) = aes::Aes128::new_from_slice(&k[..16]) else {
            return k;
        };
        let mut prev: [u8; 16] = k[16..32].try_into().unwrap_or_default();
        let mut e = Vec::with_capacity(k1.len());
        for chunk in k1.chunks_exact(16) {
            let mut block = GenericArray::clone_from_slice(chunk);
            block.iter_mut().zip(prev).for_each(|(a, b)| *a ^= b);
            cipher.encrypt_block(&mut block);
            prev.copy_from_slice(&block);
            e.extend_from_slice(&block);
        }
        let sum: u32 = e[..16].iter().map(|&b| u32::from(b)).sum();
        k = match sum % 3 {
            0 => sha2::Sha256::digest(&e).to_vec(),
            1 => sha2::Sha384::digest(&e).to_vec(),
            _ => sha2::Sha512::digest(&e).to_vec(),
        };
        round += 1;
        if round >= 64 && u32::from(*e.last().unwrap_or(&0)) <= round - 32 {
            break;
        }
    }
    k.truncate(32);
    k
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
