use std::ffi::{CStr, CString};
use std::os::raw::c_char;

#[no_mangle]
pub extern "C" fn hello_world() -> *mut c_char {
    let message = CString::new("hello, world").unwrap();
    message.into_raw()
}

#[no_mangle]
pub unsafe extern "C" fn free_string(s: *mut c_char) {
    if s.is_null() {
        return;
    }
    let _ = CString::from_raw(s);
}

// Error handling
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub enum HailMaryError {
    Success = 0,
    NullPointer = 1,
    InvalidUtf8 = 2,
    AllocationFailed = 3,
}

// Result wrapper
#[repr(C)]
pub struct StringResult {
    ptr: *mut c_char,
    len: usize,
    error: HailMaryError,
}

// Improved hello_world with error handling
#[no_mangle]
pub extern "C" fn hello_world_safe() -> StringResult {
    match CString::new("hello, world") {
        Ok(message) => {
            let len = message.as_bytes().len();
            StringResult {
                ptr: message.into_raw(),
                len,
                error: HailMaryError::Success,
            }
        }
        Err(_) => StringResult {
            ptr: std::ptr::null_mut(),
            len: 0,
            error: HailMaryError::AllocationFailed,
        }
    }
}

// Safe string deallocation with error reporting
#[no_mangle]
pub extern "C" fn free_string_safe(s: *mut c_char) -> HailMaryError {
    if s.is_null() {
        return HailMaryError::NullPointer;
    }
    
    unsafe {
        let _ = CString::from_raw(s);
    }
    
    HailMaryError::Success
}

// Memory allocation for Wazero
#[no_mangle]
pub extern "C" fn hail_mary_alloc(size: usize) -> *mut u8 {
    if size == 0 {
        return std::ptr::null_mut();
    }
    
    let mut buffer = Vec::with_capacity(size);
    let ptr = buffer.as_mut_ptr();
    std::mem::forget(buffer);
    ptr
}

#[no_mangle]
pub unsafe extern "C" fn hail_mary_free(ptr: *mut u8, size: usize) {
    if ptr.is_null() || size == 0 {
        return;
    }
    
    let _ = Vec::from_raw_parts(ptr, 0, size);
}
